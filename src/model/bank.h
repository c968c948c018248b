// SPDX-License-Identifier: ISC
// The preamp bank's internals that tests and benchmarks reach: its kernel variant.

#ifndef GS_MODEL_BANK_H
#define GS_MODEL_BANK_H

#include "dsp/oversample8.h"
#include "gainstage/preamp.h"

/// Runs every 8-lane kernel of the bank in variant (the fastest the CPU runs
/// is chosen at creation); GS_ERR_RANGE if this CPU cannot run it. Main thread.
GsStatus gs_preamp_bank_set_variant(GsPreampBank *bank, GsLanesVariant variant);
/// The variant the bank's kernels run.
GsLanesVariant gs_preamp_bank_variant(const GsPreampBank *bank);

#endif  // GS_MODEL_BANK_H
