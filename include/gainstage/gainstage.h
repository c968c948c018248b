// SPDX-License-Identifier: ISC
// libgainstage: an audio interface with modelled preamps, in software.

#ifndef GS_GAINSTAGE_H
#define GS_GAINSTAGE_H

#include "gainstage/converter.h" // IWYU pragma: export
#include "gainstage/engine.h"    // IWYU pragma: export
#include "gainstage/headphones.h" // IWYU pragma: export
#include "gainstage/preamp.h"    // IWYU pragma: export
#include "gainstage/realtime.h"  // IWYU pragma: export
#include "gainstage/session.h"   // IWYU pragma: export
#include "gainstage/source.h"    // IWYU pragma: export
#include "gainstage/status.h"    // IWYU pragma: export
#include "gainstage/units.h"     // IWYU pragma: export

#endif  // GS_GAINSTAGE_H
