/*
 * account_cli.h - gm-dashboard's commands for its accounts, run from the
 * command line by whoever runs the service (there is no first admin to
 * sign in as before one is made here):
 *
 *   gm-dashboard -c FILE --add-user NAME --role ROLE [--unit ID ...] [--display TEXT]
 *                        [--directory]   (signs in through [ldap]: no password here)
 *   gm-dashboard -c FILE --set-password NAME
 *   gm-dashboard -c FILE --list-users
 *   gm-dashboard -c FILE --backup FILE
 *
 * A password is read from standard input (its first line), never from
 * the command line, where `ps` would show it. Each change is audited as
 * "command line".
 */
#ifndef GM_ACCOUNT_CLI_H
#define GM_ACCOUNT_CLI_H

#include <stdbool.h>
#include <getopt.h>

#include "accounts.h"
#include "dash_config.h"

enum account_verb { ACC_NONE, ACC_ADD, ACC_PASSWORD, ACC_LIST, ACC_BACKUP };

struct account_cmd {
	enum account_verb verb;
	const char *name, *role, *display, *file;
	const char *units[ACCOUNT_UNITS_MAX];
	int nunits;
	bool directory;      /* --directory */
	bool bad;            /* an option given twice or out of place */
};

/* The long options it takes, for getopt_long's table (ends with a zero
 * entry, to copy before it); their `val`s are ACCOUNT_OPT_BASE and up. */
#define ACCOUNT_OPT_BASE 0x100
extern const struct option account_cli_options[];

/* c (a getopt_long val) with its argument into cmd: true if it was ours. */
bool account_cli_option(int c, const char *arg, struct account_cmd *cmd);

/* Run it: 0, or 1 with the reason on stderr. org (may be NULL) checks an
 * editor's units. */
int account_cli_run(const struct dash_config *cfg, const struct org *org,
    const struct account_cmd *cmd);

#endif
