// SPDX-License-Identifier: ISC
// The demo band's room: where the instruments and microphones stand, and how
// sound travels between them (direct path, first reflections, diffuse tail).

#ifndef GS_MODEL_BAND_ROOM_H
#define GS_MODEL_BAND_ROOM_H

#include "model/band.h"

#include <stddef.h>

/// Floats of work memory gs_band_room_mix() needs: the tail's eight delay
/// lines and four diffusers.
#define GS_BAND_ROOM_LINE 8192u
#define GS_BAND_ROOM_DIFFUSER 2048u
#define GS_BAND_ROOM_WORK (8u * GS_BAND_ROOM_LINE + 4u * GS_BAND_ROOM_DIFFUSER)

/// True for the parts that are microphones in the room.
bool gs_band_room_is_mic(GsBandPart part);
/// True for the instruments that sound in the room (drums and voice).
bool gs_band_room_is_acoustic(GsBandInstrument instrument);

/// Distance from an acoustic instrument to a microphone part, metres (0 otherwise).
double gs_band_room_distance_m(GsBandPart part, GsBandInstrument instrument);

/// Adds to each microphone part (mics[part], n samples at rate_hz; NULL for
/// the parts that are not microphones) the sound pressure, in pascal, of
/// every acoustic instrument's stem (stems[instrument]: pascal 1 m in front
/// of it, or NULL when it does not play): the direct path and six first
/// reflections (image sources), each delayed by its length at the speed of
/// sound, attenuated by it (1/r), by the instrument's and the microphone's
/// directivity and by the surface; plus the room's diffuse tail. work holds
/// GS_BAND_ROOM_WORK floats. Main thread.
void gs_band_room_mix(const float *const stems[GS_BAND_N_INSTRUMENTS], double rate_hz, size_t n,
                      float *const mics[GS_BAND_N_PARTS], float *work);

#endif  // GS_MODEL_BAND_ROOM_H
