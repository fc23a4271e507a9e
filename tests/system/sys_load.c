/*
 * The HTTP load generator of the system tests: threads that send GET
 * requests to the gateway until sys_load_stop, counting every response
 * that is not a 200 with a JSON body.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "sys_harness.h"

#define LOAD_MAX_THREADS 64

/* A thread stops by itself after this long, even without sys_load_stop. */
#define LOAD_MAX_MS 120000

struct sys_load {
	char base_url[64];
	pthread_t threads[LOAD_MAX_THREADS];
	unsigned nthreads;
	atomic_int stop;
	atomic_ulong next; /* the next request number, shared by all threads */
	long deadline;
	pthread_mutex_t mtx; /* protects counts */
	sys_load_counts counts;
};

/* Words that occur in the 2025 and the 2026 export: titles, people,
 * companies and places. The empty query matches every film. */
static const char *const load_words[] = {"alcatraz", "golden+gate",
    "clint+eastwood", "vertigo", "bullitt", "harvey+milk", "mission",
    "chinatown", "market+street", "hitchcock", "lombard", "embarcadero",
    "presidio", ""};

static const char *const load_prefixes[] = {"cl", "gold", "ver", "mis", "ala",
    "emb", "pre", "chi", "tom", "san", "st", "hi"};

#define NWORDS    (sizeof(load_words) / sizeof(load_words[0]))
#define NPREFIXES (sizeof(load_prefixes) / sizeof(load_prefixes[0]))

/* Writes the path of request number k. Consecutive numbers rotate through
 * the four kinds, and the paging, limit or coordinates change with k, so
 * few paths repeat within a run of some thousand requests. */
static void
load_path(unsigned long k, char *path, size_t len)
{
	unsigned long j = k / 4;

	switch (k % 4) {
	case 0:
		snprintf(path, len, "/search?q=%s&offset=%lu&limit=%lu",
		    load_words[j % NWORDS], (j / NWORDS) % 200,
		    1 + (j / (NWORDS * 200)) % 100);
		break;
	case 1:
		snprintf(path, len, "/complete?term=%s&limit=%lu",
		    load_prefixes[j % NPREFIXES], 1 + (j / NPREFIXES) % 50);
		break;
	case 2:
		snprintf(path, len, "/near?lat=%.5f&lng=%.5f&limit=%lu",
		    37.70 + (double)(j % 1000) * 0.0001,
		    -122.52 + (double)(j / 1000 % 1000) * 0.0001, 1 + j % 20);
		break;
	default:
		snprintf(path, len,
		    "/box?south=%.4f&west=%.4f&north=%.4f&east=%.4f",
		    37.70 + (double)(j % 500) * 0.0002,
		    -122.52 + (double)(j / 500 % 300) * 0.0002,
		    37.72 + (double)(j % 500) * 0.0002,
		    -122.50 + (double)(j / 500 % 300) * 0.0002);
		break;
	}
}

typedef struct load_body {
	char first; /* the first byte of the body, 0 when empty */
} load_body;

static size_t
load_on_body(char *p, size_t size, size_t n, void *arg)
{
	load_body *b = arg;

	if (b->first == '\0' && size * n > 0) {
		b->first = p[0];
	}
	return size * n;
}

/* Adds one request's outcome to the counts. */
static void
load_count(sys_load *l, const char *path, CURLcode rc, long status,
    const load_body *body)
{
	sys_load_counts *c = &l->counts;
	char failure[sizeof(c->first_failure)] = "";

	if (rc != CURLE_OK) {
		snprintf(failure, sizeof(failure), "GET %s: %s", path,
		    curl_easy_strerror(rc));
	} else if (status != 200) {
		snprintf(failure, sizeof(failure), "GET %s: status %ld", path,
		    status);
	} else if (body->first != '{') {
		snprintf(failure, sizeof(failure),
		    "GET %s: 200 without a JSON object", path);
	}

	pthread_mutex_lock(&l->mtx);
	c->requests++;
	if (rc != CURLE_OK) {
		c->transport_errors++;
	} else if (failure[0] != '\0') {
		c->non_200++;
	}
	if (failure[0] != '\0' && c->first_failure[0] == '\0') {
		snprintf(
		    c->first_failure, sizeof(c->first_failure), "%s", failure);
	}
	pthread_mutex_unlock(&l->mtx);
}

static void *
load_thread(void *arg)
{
	sys_load *l = arg;
	CURL *c = curl_easy_init();
	load_body body;
	char path[256], url[384];

	if (c == NULL) {
		return NULL;
	}
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, load_on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 10000L);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);

	while (!atomic_load(&l->stop) && sys_now_ms() < l->deadline) {
		unsigned long k = atomic_fetch_add(&l->next, 1);
		long status = 0;
		CURLcode rc;

		load_path(k, path, sizeof(path));
		snprintf(url, sizeof(url), "%s%s", l->base_url, path);
		body.first = '\0';
		curl_easy_setopt(c, CURLOPT_URL, url);
		if ((rc = curl_easy_perform(c)) == CURLE_OK) {
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		}
		load_count(l, path, rc, status, &body);
	}
	curl_easy_cleanup(c);
	return NULL;
}

sys_load *
sys_load_start(const char *base_url, unsigned threads)
{
	sys_load *l;

	if (threads == 0 || threads > LOAD_MAX_THREADS ||
	    (l = calloc(1, sizeof(*l))) == NULL) {
		return NULL;
	}
	snprintf(l->base_url, sizeof(l->base_url), "%s", base_url);
	pthread_mutex_init(&l->mtx, NULL);
	l->deadline = sys_now_ms() + LOAD_MAX_MS;
	for (; l->nthreads < threads; l->nthreads++) {
		if (pthread_create(
		        &l->threads[l->nthreads], NULL, load_thread, l) != 0) {
			sys_load_stop(l, NULL);
			return NULL;
		}
	}
	return l;
}

void
sys_load_counts_get(sys_load *l, sys_load_counts *c)
{
	pthread_mutex_lock(&l->mtx);
	*c = l->counts;
	pthread_mutex_unlock(&l->mtx);
}

int
sys_load_wait(sys_load *l, unsigned long min_requests, long min_ms, long max_ms)
{
	long start = sys_now_ms();
	sys_load_counts c;
	unsigned long base;

	sys_load_counts_get(l, &c);
	base = c.requests;
	for (;;) {
		long elapsed;

		sys_sleep_ms(20);
		sys_load_counts_get(l, &c);
		elapsed = sys_now_ms() - start;
		if (c.requests - base >= min_requests && elapsed >= min_ms) {
			return 0;
		}
		if (elapsed >= max_ms) {
			return -1;
		}
	}
}

void
sys_load_stop(sys_load *l, sys_load_counts *c)
{
	if (l == NULL) {
		return;
	}
	atomic_store(&l->stop, 1);
	for (unsigned i = 0; i < l->nthreads; i++) {
		pthread_join(l->threads[i], NULL);
	}
	if (c != NULL) {
		*c = l->counts;
	}
	pthread_mutex_destroy(&l->mtx);
	free(l);
}
