#include "rpc_tls.h"

#include <stdio.h>
#include <string.h>

#include <nng/supplemental/tls/tls.h>

static rpc_tls tls_settings;

void
rpc_tls_set(const rpc_tls *tls)
{
	tls_settings = *tls;
}

static int
tls_is_url(const char *url)
{
	return strncmp(url, "tls+tcp", 7) == 0;
}

/* Applies the settings through a setter for a listener or a dialer. */
static int
tls_apply(int (*set_string)(void *, const char *, const char *),
    int (*set_int)(void *, const char *, int), void *obj)
{
	int rv;

	if (tls_settings.cert_key_file != NULL &&
	    (rv = set_string(obj, NNG_OPT_TLS_CERT_KEY_FILE,
	         tls_settings.cert_key_file)) != 0) {
		return rv;
	}
	if (tls_settings.ca_file != NULL) {
		if ((rv = set_string(obj, NNG_OPT_TLS_CA_FILE,
		         tls_settings.ca_file)) != 0) {
			return rv;
		}
		return set_int(
		    obj, NNG_OPT_TLS_AUTH_MODE, NNG_TLS_AUTH_MODE_REQUIRED);
	}

	/* Without a CA there is nothing to verify peers against. */
	return set_int(obj, NNG_OPT_TLS_AUTH_MODE, NNG_TLS_AUTH_MODE_NONE);
}

static int
tls_listener_string(void *obj, const char *opt, const char *v)
{
	return nng_listener_set_string(*(nng_listener *)obj, opt, v);
}

static int
tls_listener_int(void *obj, const char *opt, int v)
{
	return nng_listener_set_int(*(nng_listener *)obj, opt, v);
}

static int
tls_dialer_string(void *obj, const char *opt, const char *v)
{
	return nng_dialer_set_string(*(nng_dialer *)obj, opt, v);
}

static int
tls_dialer_int(void *obj, const char *opt, int v)
{
	return nng_dialer_set_int(*(nng_dialer *)obj, opt, v);
}

int
rpc_tls_listener(nng_listener l, const char *url)
{
	if (!tls_is_url(url)) {
		return 0;
	}
	return tls_apply(tls_listener_string, tls_listener_int, &l);
}

int
rpc_tls_dialer(nng_dialer d, const char *url)
{
	if (!tls_is_url(url)) {
		return 0;
	}
	return tls_apply(tls_dialer_string, tls_dialer_int, &d);
}

int
rpc_tls_flag(int argc, char **argv, int *i, rpc_tls *tls)
{
	const char **dst;

	if (strcmp(argv[*i], "--tls-cert-key") == 0) {
		dst = &tls->cert_key_file;
	} else if (strcmp(argv[*i], "--tls-ca") == 0) {
		dst = &tls->ca_file;
	} else {
		return 0;
	}
	if (*i + 1 >= argc) {
		fprintf(stderr, "sfmovies: %s needs a PEM file\n", argv[*i]);
		return -1;
	}
	*dst = argv[++*i];
	return 1;
}
