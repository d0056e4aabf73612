/* report_run.c - gm-report run from the dashboard (report_run.h). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "gm_err.h"
#include "log.h"
#include "report_run.h"
#include "timeutil.h"

extern char **environ;

struct report_run {
	struct report_run_args a;
	char program[1024], data_dir[1024], org[1024], reports_dir[1024], rrdcached[512];
	pthread_mutex_t lock;
	pthread_t waiter;
	bool joinable;
	pid_t pid;
	struct report_run_state st;
};

struct report_run *report_run_new(const struct report_run_args *a)
{
	struct report_run *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	snprintf(r->program, sizeof(r->program), "%s", a->program);
	snprintf(r->data_dir, sizeof(r->data_dir), "%s", a->data_dir);
	snprintf(r->org, sizeof(r->org), "%s", a->org);
	snprintf(r->reports_dir, sizeof(r->reports_dir), "%s", a->reports_dir);
	snprintf(r->rrdcached, sizeof(r->rrdcached), "%s", a->rrdcached ? a->rrdcached : "");
	r->a.pdf = a->pdf;
	pthread_mutex_init(&r->lock, NULL);
	return r;
}

/* The child's end: its exit code (-1 killed or timed out), in the state. */
static void *wait_child(void *arg)
{
	struct report_run *r = arg;
	int64_t deadline = mono_ms() + REPORT_RUN_TIMEOUT_S * 1000LL;
	int status = 0, code;

	while (waitpid(r->pid, &status, WNOHANG) == 0) {
		if (mono_ms() > deadline) {
			kill(r->pid, SIGKILL);
			waitpid(r->pid, &status, 0);
			break;
		}
		nanosleep(&(struct timespec){ 0, 100 * 1000 * 1000 }, NULL);
	}
	code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	pthread_mutex_lock(&r->lock);
	r->st.running = false;
	r->st.ended = now_wall();
	r->st.status = code;
	pthread_mutex_unlock(&r->lock);
	if (code == 0)
		log_info("reports: FY%d made again, as %s asked", r->st.fy, r->st.who);
	else
		log_err("reports: gm-report for FY%d %s; see %s/.gm-report.log", r->st.fy,
		    code < 0 ? "was killed or timed out" : "failed", r->reports_dir);
	return NULL;
}

static int spawn(struct report_run *r, int fy, char *err, size_t errlen)
{
	char fys[16], out[1100], logp[1100];
	char *argv[16];
	int n = 0, fd, rc;
	posix_spawn_file_actions_t fa;

	snprintf(fys, sizeof(fys), "%d", fy);
	snprintf(out, sizeof(out), "%s/green-fy%d", r->reports_dir, fy);
	snprintf(logp, sizeof(logp), "%s/.gm-report.log", r->reports_dir);
	argv[n++] = r->program;
	argv[n++] = "-d";
	argv[n++] = r->data_dir;
	argv[n++] = "--org";
	argv[n++] = r->org;
	argv[n++] = "--fy";
	argv[n++] = fys;
	argv[n++] = "--out";
	argv[n++] = out;
	if (r->rrdcached[0] != '\0') {
		argv[n++] = "--rrdcached";
		argv[n++] = r->rrdcached;
	}
	if (r->a.pdf)
		argv[n++] = "--pdf";
	argv[n] = NULL;
	if ((fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0640)) < 0)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", logp, strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fd, 1);
	posix_spawn_file_actions_adddup2(&fa, fd, 2);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	rc = posix_spawn(&r->pid, r->program, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fd);
	if (rc != 0)
		return gm_errf(err, errlen, GM_EIO, "%s: %s", r->program, strerror(rc));
	return GM_OK;
}

int report_run_start(struct report_run *r, int fy, const char *who, char *err, size_t errlen)
{
	int rc;

	pthread_mutex_lock(&r->lock);
	if (r->st.running) {
		pthread_mutex_unlock(&r->lock);
		return GM_EBUSY;
	}
	if (r->joinable) {   /* the last run's waiter has ended (running is false) */
		pthread_join(r->waiter, NULL);
		r->joinable = false;
	}
	if ((rc = spawn(r, fy, err, errlen)) == GM_OK) {
		r->st = (struct report_run_state){ .running = true, .fy = fy, .started = now_wall() };
		snprintf(r->st.who, sizeof(r->st.who), "%s", who);
		if (pthread_create(&r->waiter, NULL, wait_child, r) != 0) {
			waitpid(r->pid, NULL, 0);   /* no waiter: wait here rather than leak it */
			r->st.running = false;
			rc = gm_errf(err, errlen, GM_ENOMEM, "cannot start a thread");
		} else {
			r->joinable = true;
			log_info("reports: making FY%d again, as %s asked", fy, who);
		}
	}
	pthread_mutex_unlock(&r->lock);
	return rc;
}

void report_run_state(struct report_run *r, struct report_run_state *out)
{
	pthread_mutex_lock(&r->lock);
	*out = r->st;
	pthread_mutex_unlock(&r->lock);
}

void report_run_free(struct report_run *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&r->lock);
	if (r->st.running)   /* asked to end, not waited out (a stop has a deadline) */
		kill(r->pid, SIGTERM);
	pthread_mutex_unlock(&r->lock);
	if (r->joinable)
		pthread_join(r->waiter, NULL);
	pthread_mutex_destroy(&r->lock);
	free(r);
}
