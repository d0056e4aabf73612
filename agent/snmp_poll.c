/* snmp_poll.c - one thread per printer, asking it for its counters over SNMP. */
#include <pthread.h>
#include <syslog.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "gm_err.h"
#include "log.h"
#include "poll_sched.h"
#include "poll_thread.h"
#include "printer_value.h"
#include "snmp_poll.h"
#include "timeutil.h"

/* SNMPv3 sessions take turns: see snmp_poll.h. */
static pthread_mutex_t v3_lock = PTHREAD_MUTEX_INITIALIZER;

struct snmp_poll {
	const struct printer *p;
	snmp_poll_sink sink;
	void *user;
	void *sess;                    /* snmp_sess_open()'s handle; NULL: not open */
	struct poll_backoff backoff;
	struct complaint down;         /* no answer, or credentials refused */
	struct complaint *bad;         /* per channel: a value that is no reading */
	struct printer_last *last;     /* per channel: its last reading */
	struct poll_thread th;
};

/* net-snmp's own messages, in our log: a warning or worse as a warning,
 * the rest for -v. */
static int lib_log(int major, int minor, void *server, void *client)
{
	const struct snmp_log_message *m = server;
	int n;

	(void)major, (void)minor, (void)client;
	if (m == NULL || m->msg == NULL)
		return 0;
	n = (int)strcspn(m->msg, "\n");
	if (m->priority <= LOG_WARNING)
		log_warn("net-snmp: %.*s", n, m->msg);
	else
		log_debug("net-snmp: %.*s", n, m->msg);
	return 0;
}

void snmp_poll_lib_init(void)
{
	/* Only what this file says: no snmp.conf of the machine's, no MIB files
	 * (every OID is numeric, and MIBS="" loads none), no state written
	 * under /var/lib/snmp. Before any thread: setenv is not thread-safe. */
	setenv("MIBS", "", 1);
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING, lib_log, NULL);
	snmp_enable_calllog();
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_set_mib_directory("");
	init_snmp("gm-agent");
}

void snmp_poll_lib_cleanup(void)
{
	snmp_shutdown("gm-agent");
}

struct snmp_poll *snmp_poll_new(const struct printer *p, snmp_poll_sink sink, void *user)
{
	struct snmp_poll *sp = calloc(1, sizeof(*sp));
	int n = p->profile->nchannels;

	if (sp == NULL)
		return NULL;
	sp->p = p;
	sp->sink = sink;
	sp->user = user;
	sp->bad = calloc((size_t)n, sizeof(*sp->bad));
	sp->last = calloc((size_t)n, sizeof(*sp->last));
	poll_thread_init(&sp->th);
	if (sp->bad == NULL || sp->last == NULL) {
		snmp_poll_free(sp);
		return NULL;
	}
	return sp;
}

static oid *auth_proto(enum printer_auth a)
{
	switch (a) {
	case PRINTER_AUTH_SHA224: return usmHMAC128SHA224AuthProtocol;
	case PRINTER_AUTH_SHA256: return usmHMAC192SHA256AuthProtocol;
	case PRINTER_AUTH_SHA384: return usmHMAC256SHA384AuthProtocol;
	case PRINTER_AUTH_SHA512: return usmHMAC384SHA512AuthProtocol;
	default: return usmHMACSHA1AuthProtocol;
	}
}

/* net-snmp's reason for the last failure of session s (or of sess). */
static void lib_error(netsnmp_session *s, void *sess, char *why, size_t whylen)
{
	int liberr = 0, syserr = 0;
	char *text = NULL;

	if (sess != NULL)
		snmp_sess_error(sess, &liberr, &syserr, &text);
	else
		snmp_error(s, &liberr, &syserr, &text);
	snprintf(why, whylen, "%s", text != NULL && text[0] ? text : "unknown error");
	free(text);
}

/* Open the session (v3: under the lock, for the library's globals). */
static bool open_session(struct snmp_poll *sp, char *why, size_t whylen)
{
	const struct printer *p = sp->p;
	netsnmp_session s;
	char peer[320];
	bool v3 = p->version == PRINTER_V3;

	snmp_sess_init(&s);
	snprintf(peer, sizeof(peer), "%s:%s", strchr(p->host, ':') ? "udp6" : "udp", p->name);
	s.peername = peer;
	s.timeout = (long)p->timeout_ms * 1000;   /* microseconds, each attempt */
	s.retries = p->retries;
	if (!v3) {
		s.version = SNMP_VERSION_2c;
		s.community = (u_char *)p->community;
		s.community_len = strlen(p->community);
	} else {
		s.version = SNMP_VERSION_3;
		s.securityName = (char *)p->user;
		s.securityNameLen = strlen(p->user);
		s.securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
		s.securityAuthProto = auth_proto(p->auth);
		s.securityAuthProtoLen = USM_AUTH_PROTO_SHA_LEN;
		s.securityAuthKeyLen = USM_AUTH_KU_LEN;
		s.securityPrivProto = usmAESPrivProtocol;
		s.securityPrivProtoLen = USM_PRIV_PROTO_AES_LEN;
		s.securityPrivKeyLen = USM_PRIV_KU_LEN;
		pthread_mutex_lock(&v3_lock);
		if (generate_Ku(s.securityAuthProto, (u_int)s.securityAuthProtoLen,
		    (const u_char *)p->auth_pass, strlen(p->auth_pass), s.securityAuthKey,
		    &s.securityAuthKeyLen) != SNMPERR_SUCCESS ||
		    generate_Ku(s.securityAuthProto, (u_int)s.securityAuthProtoLen,
		    (const u_char *)p->priv_pass, strlen(p->priv_pass), s.securityPrivKey,
		    &s.securityPrivKeyLen) != SNMPERR_SUCCESS) {
			pthread_mutex_unlock(&v3_lock);
			snprintf(why, whylen, "cannot make SNMPv3 keys from the passphrases with %s",
			    printer_conf_auth_name(p->auth));
			return false;
		}
	}
	sp->sess = snmp_sess_open(&s);
	if (sp->sess == NULL)
		lib_error(&s, NULL, why, whylen);
	if (v3)
		pthread_mutex_unlock(&v3_lock);
	return sp->sess != NULL;
}

static void close_session(struct snmp_poll *sp)
{
	bool v3 = sp->p->version == PRINTER_V3;

	if (sp->sess == NULL)
		return;
	if (v3)
		pthread_mutex_lock(&v3_lock);
	snmp_sess_close(sp->sess);
	if (v3)
		pthread_mutex_unlock(&v3_lock);
	sp->sess = NULL;
}

static void add_oid(netsnmp_pdu *pdu, const struct printer_oid *o)
{
	oid name[PRINTER_OID_MAX];

	for (int i = 0; i < o->len; i++)
		name[i] = o->sub[i];
	snmp_add_null_var(pdu, name, (size_t)o->len);
}

static bool same_oid(const netsnmp_variable_list *vb, const struct printer_oid *o)
{
	if (vb->name_length != (size_t)o->len)
		return false;
	for (int i = 0; i < o->len; i++) {
		if (vb->name[i] != o->sub[i])
			return false;
	}
	return true;
}

/* What a failed request means, in the words of docs/agent.md. (The
 * session's own s_snmp_errno: snmp_sess_error() reports 0 after a USM
 * report.) */
static void failure_text(struct snmp_poll *sp, int status, char *why, size_t whylen)
{
	const struct printer *p = sp->p;
	int err;
	const char *text;

	if (status == STAT_TIMEOUT) {
		snprintf(why, whylen, "no answer (%s): %d attempt%s of %d ms",
		    p->version == PRINTER_V2C ? "wrong community or host down?" :
		    "host down, or no SNMPv3 there?", p->retries + 1, p->retries ? "s" : "",
		    p->timeout_ms);
		return;
	}
	err = snmp_sess_session(sp->sess)->s_snmp_errno;
	text = snmp_api_errstring(err);
	switch (err) {
	case SNMPERR_UNKNOWN_USER_NAME:
	case SNMPERR_USM_UNKNOWNSECURITYNAME:
		snprintf(why, whylen, "SNMPv3 user \"%s\" is unknown to the printer (%s)", p->user,
		    text);
		break;
	case SNMPERR_AUTHENTICATION_FAILURE:
	case SNMPERR_USM_AUTHENTICATIONFAILURE:
		snprintf(why, whylen, "SNMPv3 user \"%s\": wrong auth_pass or auth_protocol %s "
		    "(%s)", p->user, printer_conf_auth_name(p->auth), text);
		break;
	case SNMPERR_DECRYPTION_ERR:
	case SNMPERR_USM_DECRYPTIONERROR:
		snprintf(why, whylen, "SNMPv3 user \"%s\": wrong priv_pass (%s)", p->user, text);
		break;
	case SNMPERR_UNSUPPORTED_SEC_LEVEL:
	case SNMPERR_USM_UNSUPPORTEDSECURITYLEVEL:
		snprintf(why, whylen, "SNMPv3 user \"%s\": the printer does not offer authPriv "
		    "to this user (%s)", p->user, text);
		break;
	default:
		snprintf(why, whylen, "%s (net-snmp error %d)", text, err);
	}
}

/* One channel of an answer: its value and unit, if they are a reading. */
static void take_channel(struct snmp_poll *sp, int c, const netsnmp_variable_list *vb,
    const netsnmp_variable_list *unit_vb, double t)
{
	const struct printer *p = sp->p;
	const struct printer_chan *ch = &p->profile->channels[c];
	char why[200], unit[UNIT_MAX + 1], oidtext[PRINTER_OID_TEXT];
	double v, wrap;
	int rc;

	snprintf(unit, sizeof(unit), "%s", ch->unit);
	printer_profile_oid_text(&ch->oid, oidtext, sizeof(oidtext));
	if (vb == NULL || !same_oid(vb, &ch->oid))
		rc = gm_errf(why, sizeof(why), GM_ERANGE, "the answer holds no value for it");
	else if (ch->unit_oid.len > 0 && (unit_vb == NULL || !same_oid(unit_vb, &ch->unit_oid)))
		rc = gm_errf(why, sizeof(why), GM_ERANGE, "the answer holds no unit for it");
	else if ((rc = printer_value_read(vb, ch->kind, &v, &wrap, why, sizeof(why))) == GM_OK &&
	    ch->unit_oid.len > 0)
		rc = printer_value_unit(unit_vb, unit, why, sizeof(why));
	if (rc != GM_OK) {
		complain(&sp->bad[c], time(NULL), "printer %s (%s) %s (%s): %s: not published",
		    p->id, p->name, ch->name, oidtext, why);
		return;
	}
	complain_release(&sp->bad[c], time(NULL), "printer %s (%s) %s", p->id, p->name,
	    ch->name);
	if (ch->kind == KIND_COUNTER) {
		double prev = sp->last[c].v;
		if (printer_value_step(&sp->last[c], v, wrap) == PRINTER_STEP_BACK)
			log_warn("printer %s (%s) %s: the counter went back from %.0f to %.0f (printer "
			    "reset or replaced?); published: the collector flags the fall for review "
			    "(announce a replacement with gm-agent --event)", p->id, p->name,
			    ch->name, prev, v);
	}
	sp->sink(sp->user, p, c, t, v, unit, wrap);
}

/* One GET of every channel (and unit); false if the printer gave no answer. */
static bool poll_printer(struct snmp_poll *sp, char *why, size_t whylen)
{
	const struct printer_profile *pf = sp->p->profile;
	bool v3 = sp->p->version == PRINTER_V3;
	netsnmp_pdu *pdu, *resp = NULL;
	const netsnmp_variable_list *vb;
	const netsnmp_variable_list *vals[PRINTER_MAX_CHANNELS] = { 0 };
	const netsnmp_variable_list *units[PRINTER_MAX_CHANNELS] = { 0 };
	double t;
	int status;

	if (sp->sess == NULL && !open_session(sp, why, whylen))
		return false;
	if ((pdu = snmp_pdu_create(SNMP_MSG_GET)) == NULL)
		return gm_errf(why, whylen, GM_ENOMEM, "out of memory"), false;
	for (int c = 0; c < pf->nchannels; c++) {
		add_oid(pdu, &pf->channels[c].oid);
		if (pf->channels[c].unit_oid.len > 0)
			add_oid(pdu, &pf->channels[c].unit_oid);
	}
	if (v3)
		pthread_mutex_lock(&v3_lock);
	status = snmp_sess_synch_response(sp->sess, pdu, &resp);   /* frees pdu */
	if (status != STAT_SUCCESS)
		failure_text(sp, status, why, whylen);
	if (v3)
		pthread_mutex_unlock(&v3_lock);
	t = now_wall();
	if (status != STAT_SUCCESS) {
		snmp_free_pdu(resp);
		return false;
	}
	if (resp->errstat != SNMP_ERR_NOERROR) {
		snprintf(why, whylen, "the printer answered %s (variable %ld)",
		    snmp_errstring((int)resp->errstat), resp->errindex);
		snmp_free_pdu(resp);
		return false;
	}
	/* in the order asked: each channel's value, then its unit if it has one */
	vb = resp->variables;
	for (int c = 0; c < pf->nchannels; c++) {
		vals[c] = vb;
		vb = vb ? vb->next_variable : NULL;
		if (pf->channels[c].unit_oid.len > 0) {
			units[c] = vb;
			vb = vb ? vb->next_variable : NULL;
		}
	}
	for (int c = 0; c < pf->nchannels; c++)
		take_channel(sp, c, vals[c], units[c], t);
	snmp_free_pdu(resp);
	return true;
}

static void *snmp_poll_main(void *arg)
{
	struct snmp_poll *sp = arg;
	const struct printer *p = sp->p;
	int64_t due = poll_sched_next_slot(poll_sched_now_ms(), p->interval_ms);

	poll_sched_backoff_init(&sp->backoff, p->interval_ms);
	while (poll_thread_running(&sp->th)) {
		char why[400];
		int64_t now = poll_sched_now_ms();
		if (now < due) {
			poll_thread_sleep_until(&sp->th, due);
			continue;
		}
		if (poll_printer(sp, why, sizeof(why))) {
			complain_release(&sp->down, time(NULL), "printer %s (%s)", p->id, p->name);
			poll_sched_backoff_reset(&sp->backoff);
			/* a late poll skips to the next slot: no burst of catch-up reads */
			due = poll_sched_next_slot(poll_sched_now_ms(), p->interval_ms);
		} else {
			complain(&sp->down, time(NULL), "printer %s (%s): %s; retrying", p->id,
			    p->name, why);
			now = poll_sched_now_ms();
			poll_sched_backoff_failed(&sp->backoff, now);
			due = sp->backoff.retry_ms;
			log_debug("printer %s (%s): next attempt in %d ms", p->id, p->name,
			    (int)(due - now));
		}
	}
	close_session(sp);
	return NULL;
}

int snmp_poll_start(struct snmp_poll *sp)
{
	return poll_thread_start(&sp->th, snmp_poll_main, sp);
}

void snmp_poll_stop(struct snmp_poll *sp)
{
	if (sp != NULL)
		poll_thread_stop(&sp->th);
}

void snmp_poll_free(struct snmp_poll *sp)
{
	if (sp == NULL)
		return;
	snmp_poll_stop(sp);
	close_session(sp);
	free(sp->bad);
	free(sp->last);
	poll_thread_destroy(&sp->th);
	free(sp);
}
