/*
 * Entity tags, If-None-Match matching, Accept-Encoding negotiation and
 * gzip output.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "gw_etag.h"
#include "gw_gzip.h"

static void
test_etag_depends_on_version_and_key(void **state)
{
	char a[GW_ETAG_MAX];
	char b[GW_ETAG_MAX];
	char z[GW_ETAG_MAX];

	gw_etag_make(a, 1, "search?q=a", 10, 0);
	gw_etag_make(b, 1, "search?q=a", 10, 0);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), 18); /* 16 digits and quotes */
	assert_int_equal(a[0], '"');

	gw_etag_make(b, 2, "search?q=a", 10, 0);
	assert_string_not_equal(a, b);
	gw_etag_make(b, 1, "search?q=b", 10, 0);
	assert_string_not_equal(a, b);

	gw_etag_make(z, 1, "search?q=a", 10, 1);
	assert_int_equal(strncmp(a, z, 17), 0);
	assert_string_equal(z + 17, "-gzip\"");
	gw_etag_gzip_of(b, a);
	assert_string_equal(b, z);
}

static void
test_if_none_match(void **state)
{
	const char *tag = "\"0123456789abcdef\"";

	assert_true(gw_etag_match("\"0123456789abcdef\"", tag));
	assert_true(gw_etag_match("W/\"0123456789abcdef\"", tag));
	assert_true(gw_etag_match("\"x\", \"0123456789abcdef\"", tag));
	assert_true(gw_etag_match("*", tag));
	assert_true(gw_etag_match(" \"x\" ,W/\"0123456789abcdef\"", tag));
	assert_true(
	    gw_etag_match("\"0123456789abcdef\"", "W/\"0123456789abcdef\""));
	assert_false(gw_etag_match(NULL, tag));
	assert_false(gw_etag_match("", tag));
	assert_false(gw_etag_match("\"0123456789abcdee\"", tag));
	assert_false(gw_etag_match("0123456789abcdef", tag));
	assert_false(gw_etag_match("\"0123456789abcdef", tag));
	assert_false(gw_etag_match("\"0123456789abcdef-gzip\"", tag));
}

static void
test_accept_encoding(void **state)
{
	assert_true(gw_gzip_accepted("gzip"));
	assert_true(gw_gzip_accepted("gzip, deflate, br"));
	assert_true(gw_gzip_accepted("br;q=1.0, GZIP;q=0.5"));
	assert_true(gw_gzip_accepted("x-gzip"));
	assert_true(gw_gzip_accepted("*"));
	assert_false(gw_gzip_accepted(NULL));
	assert_false(gw_gzip_accepted(""));
	assert_false(gw_gzip_accepted("identity"));
	assert_false(gw_gzip_accepted("gzip;q=0"));
	assert_false(gw_gzip_accepted("*, gzip;q=0"));
	assert_false(gw_gzip_accepted("*;q=0"));
	assert_false(gw_gzip_accepted("gzipx, br"));
}

static void
test_gzip_round_trip(void **state)
{
	char in[4000];
	char out[4000];
	core_buf z = {0};
	z_stream s;

	for (size_t i = 0; i < sizeof(in); i++) {
		in[i] = (char)('a' + i % 7);
	}
	assert_int_equal(gw_gzip(&z, in, sizeof(in)), 0);
	assert_true(z.len < sizeof(in) / 4);
	assert_int_equal((unsigned char)z.data[0], 0x1f); /* gzip magic */
	assert_int_equal((unsigned char)z.data[1], 0x8b);

	memset(&s, 0, sizeof(s));
	assert_int_equal(inflateInit2(&s, 15 + 16), Z_OK);
	s.next_in = (Bytef *)z.data;
	s.avail_in = (uInt)z.len;
	s.next_out = (Bytef *)out;
	s.avail_out = sizeof(out);
	assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
	assert_int_equal(s.total_out, sizeof(in));
	assert_memory_equal(in, out, sizeof(in));
	inflateEnd(&s);
	core_buf_free(&z);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_etag_depends_on_version_and_key),
	    cmocka_unit_test(test_if_none_match),
	    cmocka_unit_test(test_accept_encoding),
	    cmocka_unit_test(test_gzip_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
