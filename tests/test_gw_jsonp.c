/*
 * JSONP: callback names are JavaScript identifier paths, and the wrapped
 * answer is the empty comment, the name and the JSON as a call.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core_err.h"
#include "gw_jsonp.h"

static void
test_callback_valid_names(void **state)
{
	static const char *good[] = {
	    "cb", "_", "$", "jQuery.cb_1", "a.b.c", "$jsonp123", "A9"};
	gw_error err;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(
		    gw_jsonp_check(good[i], strlen(good[i]), &err), 0);
	}
}

static void
test_callback_rejected(void **state)
{
	static const char *bad[] = {"alert(1)", "1a", "a..b", ".a", "a.", "a-b",
	    "a b", "a;b", "<script>", "a.1b", "caf\xc3\xa9"};
	char long_name[66];
	gw_error err;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(
		    gw_jsonp_check(bad[i], strlen(bad[i]), &err), CORE_EINVAL);
		assert_int_equal(err.status, 400);
		assert_string_equal(err.parameter, "callback");
	}
	assert_string_equal(err.message,
	    "callback must be JavaScript identifiers joined by "
	    "dots, such as cb or jQuery.cb_1, at most 64 bytes");

	memset(long_name, 'a', 65);
	long_name[65] = '\0';
	assert_int_equal(gw_jsonp_check(long_name, 65, &err), CORE_EINVAL);
	long_name[64] = '\0';
	assert_int_equal(gw_jsonp_check(long_name, 64, &err), 0);

	assert_int_equal(gw_jsonp_check("ab\0c", 4, &err), CORE_EINVAL);
	assert_int_equal(gw_jsonp_check("", 0, &err), CORE_EINVAL);
}

static void
test_wrap_format(void **state)
{
	static const char json[] = "{\"a\":1}";
	core_buf b = {0};

	assert_int_equal(gw_jsonp_wrap(&b, "cb.x", 4, json, strlen(json)), 0);
	assert_string_equal(b.data, "/**/cb.x({\"a\":1});");
	core_buf_free(&b);
}

static void
test_wrap_escapes_line_separators(void **state)
{
	/* U+2028 and U+2029 raw inside a JSON string, then U+2027 that stays.
	 */
	static const char json[] = "[\"a\xe2\x80\xa8"
	                           "b\xe2\x80\xa9"
	                           "c\xe2\x80\xa7\"]";
	core_buf b = {0};

	assert_int_equal(gw_jsonp_wrap(&b, "f", 1, json, strlen(json)), 0);
	assert_string_equal(
	    b.data, "/**/f([\"a\\u2028b\\u2029c\xe2\x80\xa7\"]);");
	core_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_callback_valid_names),
	    cmocka_unit_test(test_callback_rejected),
	    cmocka_unit_test(test_wrap_format),
	    cmocka_unit_test(test_wrap_escapes_line_separators),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
