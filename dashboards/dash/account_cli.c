/* account_cli.c - accounts from the command line (account_cli.h). */
#include <stdio.h>
#include <string.h>

#include "account_cli.h"
#include "audit.h"
#include "db.h"
#include "gm_err.h"
#include "timeutil.h"

enum { OPT_ADD = ACCOUNT_OPT_BASE, OPT_PASSWORD, OPT_LIST, OPT_BACKUP, OPT_ROLE, OPT_UNIT,
	OPT_DISPLAY, OPT_DIRECTORY };

const struct option account_cli_options[] = {
	{ "add-user", required_argument, NULL, OPT_ADD },
	{ "set-password", required_argument, NULL, OPT_PASSWORD },
	{ "list-users", no_argument, NULL, OPT_LIST },
	{ "backup", required_argument, NULL, OPT_BACKUP },
	{ "role", required_argument, NULL, OPT_ROLE },
	{ "unit", required_argument, NULL, OPT_UNIT },
	{ "display", required_argument, NULL, OPT_DISPLAY },
	{ "directory", no_argument, NULL, OPT_DIRECTORY },
	{ NULL, 0, NULL, 0 },
};

static void verb(struct account_cmd *cmd, enum account_verb v, const char *arg)
{
	if (cmd->verb != ACC_NONE)
		cmd->bad = true;
	cmd->verb = v;
	if (v == ACC_BACKUP)
		cmd->file = arg;
	else
		cmd->name = arg;
}

bool account_cli_option(int c, const char *arg, struct account_cmd *cmd)
{
	switch (c) {
	case OPT_ADD: verb(cmd, ACC_ADD, arg); return true;
	case OPT_PASSWORD: verb(cmd, ACC_PASSWORD, arg); return true;
	case OPT_LIST: verb(cmd, ACC_LIST, NULL); return true;
	case OPT_BACKUP: verb(cmd, ACC_BACKUP, arg); return true;
	case OPT_ROLE: cmd->role = arg; return true;
	case OPT_DISPLAY: cmd->display = arg; return true;
	case OPT_DIRECTORY: cmd->directory = true; return true;
	case OPT_UNIT:
		if (cmd->nunits == ACCOUNT_UNITS_MAX)
			cmd->bad = true;
		else
			cmd->units[cmd->nunits++] = arg;
		return true;
	default:
		return false;
	}
}

/* The first line of standard input, without its line end. */
static int read_password(char *buf, size_t len)
{
	if (fgets(buf, (int)len, stdin) == NULL) {
		fprintf(stderr, "gm-dashboard: give the password on standard input\n");
		return 1;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

static int add(sqlite3 *db, const struct org *org, const struct account_cmd *cmd)
{
	struct account a = { 0 };
	char password[1024], err[300];
	int rc;

	if (cmd->role == NULL || role_parse(cmd->role, &a.role) != 0) {
		fprintf(stderr, "gm-dashboard: --role is viewer, editor, coordinator or admin\n");
		return 1;
	}
	snprintf(a.name, sizeof(a.name), "%s", cmd->name);
	snprintf(a.display, sizeof(a.display), "%s", cmd->display ? cmd->display : "");
	for (int i = 0; i < cmd->nunits; i++) {
		if (org != NULL && org_unit_find(org, cmd->units[i]) < 0) {
			fprintf(stderr, "gm-dashboard: --unit %s: no such unit in the organisation "
			    "file\n", cmd->units[i]);
			return 1;
		}
		snprintf(a.units[a.nunits++], sizeof(a.units[0]), "%s", cmd->units[i]);
	}
	/* a directory's account has no password here: the directory checks it */
	if (!cmd->directory && read_password(password, sizeof(password)) != 0)
		return 1;
	rc = accounts_add(db, &a, cmd->directory ? NULL : password, err, sizeof(err));
	memset(password, 0, sizeof(password));
	if (rc != GM_OK) {
		fprintf(stderr, "gm-dashboard: %s\n", err);
		return 1;
	}
	snprintf(err, sizeof(err), "%s (%s%s)", a.name, role_name(a.role),
	    cmd->directory ? ", directory" : "");
	audit_add(db, now_wall(), "command line", "", "add user", NULL, err);
	printf("added %s\n", err);
	return 0;
}

static int set_password(sqlite3 *db, const char *name)
{
	char password[1024], err[300];
	int rc;

	if (read_password(password, sizeof(password)) != 0)
		return 1;
	rc = accounts_set_password(db, name, password, err, sizeof(err));
	memset(password, 0, sizeof(password));
	if (rc != GM_OK) {
		fprintf(stderr, "gm-dashboard: %s\n", err);
		return 1;
	}
	audit_add(db, now_wall(), "command line", "", "set password", NULL, name);
	printf("password of %s set\n", name);
	return 0;
}

static int list(sqlite3 *db)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(db, "SELECT u.name, u.role, u.display, "
	    "(SELECT group_concat(unit, ' ') FROM user_units WHERE user_id = u.id), "
	    "u.locked_until > (julianday('now') - 2440587.5) * 86400 FROM users u ORDER BY u.name",
	    -1, &st, NULL) != SQLITE_OK)
		return 1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const unsigned char *units = sqlite3_column_text(st, 3);

		printf("%s\t%s\t%s\t%s%s\n", sqlite3_column_text(st, 0), sqlite3_column_text(st, 1),
		    units ? (const char *)units : "-", sqlite3_column_text(st, 2),
		    sqlite3_column_int(st, 4) ? "\t(locked)" : "");
	}
	sqlite3_finalize(st);
	return 0;
}

int account_cli_run(const struct dash_config *cfg, const struct org *org,
    const struct account_cmd *cmd)
{
	char err[600];
	sqlite3 *db;
	int rc;

	if (cfg->access.database[0] == '\0') {
		fprintf(stderr, "gm-dashboard: no [accounts] database in the configuration\n");
		return 1;
	}
	if (accounts_init() != GM_OK || (db = db_open(cfg->access.database, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "gm-dashboard: %s\n", accounts_init() != GM_OK ?
		    "cannot start libsodium" : err);
		return 1;
	}
	switch (cmd->verb) {
	case ACC_ADD: rc = add(db, org, cmd); break;
	case ACC_PASSWORD: rc = set_password(db, cmd->name); break;
	case ACC_LIST: rc = list(db); break;
	case ACC_BACKUP:
		rc = db_backup(db, cmd->file, err, sizeof(err)) == GM_OK ? 0 : 1;
		if (rc != 0)
			fprintf(stderr, "gm-dashboard: %s\n", err);
		else
			printf("backed up to %s\n", cmd->file);
		break;
	default: rc = 1; break;
	}
	db_close(db);
	return rc;
}
