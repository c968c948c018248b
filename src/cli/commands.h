// SPDX-License-Identifier: ISC
// The subcommands of the gainstage command; each returns its exit status.

#ifndef GS_CLI_COMMANDS_H
#define GS_CLI_COMMANDS_H

#include <stdbool.h>

/// gainstage process [options] IN OUT
int gs_cli_process(int argc, char **argv);

/// gainstage render [options] SESSION
int gs_cli_render(int argc, char **argv);
/// Renders session into out_dir, as render does (used by demo).
int gs_cli_render_session(const char *session, const char *out_dir, bool json, bool quiet);

/// gainstage run [options] SESSION
int gs_cli_run(int argc, char **argv);

/// gainstage demo [options]
int gs_cli_demo(int argc, char **argv);

/// gainstage devices [options]
int gs_cli_devices(int argc, char **argv);

/// gainstage latency [options] [SESSION]
int gs_cli_latency(int argc, char **argv);

/// gainstage measure [WHAT...] DEVICE [options]
int gs_cli_measure(int argc, char **argv);

#endif  // GS_CLI_COMMANDS_H
