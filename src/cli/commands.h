// SPDX-License-Identifier: ISC
// The subcommands of the gainstage command; each returns its exit status.

#ifndef GS_CLI_COMMANDS_H
#define GS_CLI_COMMANDS_H

/// gainstage process [options] IN OUT
int gs_cli_process(int argc, char **argv);

/// gainstage render [options] SESSION
int gs_cli_render(int argc, char **argv);

#endif  // GS_CLI_COMMANDS_H
