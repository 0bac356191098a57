/* test-json-read.c: the lenient readers of a peer's JSON on odd shapes
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a tenant server, Graph or Okta may answer: members missing, null,
 * of another type, out of range, or an object where a string was meant.
 * Each reader gives the value, or a PV_ERROR_INVALID_RESPONSE that names
 * the member, and never crashes.  No display, no network.
 */

#include "config.h"

#include <string.h>

#include "pv-error.h"
#include "pv-json-read.h"
#include "pv-time.h"

static JsonObject *
parse (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* The error a reader sets is the invalid-response one, naming the member. */
static void
assert_invalid (GError     *error,
                const char *member)
{
  g_autofree char *quoted = g_strdup_printf ("“%s”", member);

  g_assert_error (error, PV_ERROR, PV_ERROR_INVALID_RESPONSE);
  g_assert_nonnull (strstr (error->message, quoted));
}

static const char *odd =
  "{\"s\": \"text\", \"empty\": \"\", \"n\": null, \"i\": 42, \"big\": 9000000000,"
  " \"neg\": -3, \"d\": 1.5, \"b\": true, \"o\": {\"k\": \"v\"}, \"a\": [1, 2],"
  " \"t\": \"2026-11-18T10:00:00Z\", \"bad_t\": \"yesterday\", \"st\": \"urgent\","
  " \"bad_st\": \"fine\", \"num_s\": \"42\", \"str_b\": \"true\"}";

static void
test_members (void)
{
  g_autoptr(JsonObject) o = parse (odd);

  g_assert_nonnull (pv_json_object_member (o, "o"));
  g_assert_null (pv_json_object_member (o, "s"));
  g_assert_null (pv_json_object_member (o, "n"));
  g_assert_null (pv_json_object_member (o, "missing"));
  g_assert_null (pv_json_object_member (NULL, "o"));
  g_assert_cmpstr (pv_json_string_member (o, "s"), ==, "text");
  g_assert_cmpstr (pv_json_string_member (o, "empty"), ==, "");
  g_assert_null (pv_json_string_member (o, "i"));
  g_assert_null (pv_json_string_member (o, "o"));
  g_assert_null (pv_json_string_member (o, "a"));
  g_assert_null (pv_json_string_member (o, "n"));
  g_assert_null (pv_json_string_member (NULL, "s"));
  g_assert_nonnull (pv_json_array_member (o, "a"));
  g_assert_cmpuint (json_array_get_length (pv_json_array_member (o, "a")), ==, 2);
  g_assert_null (pv_json_array_member (o, "o"));
  g_assert_null (pv_json_array_member (o, "s"));
  g_assert_null (pv_json_array_member (NULL, "a"));
}

static void
test_string (void)
{
  g_autoptr(JsonObject) o = parse (odd);
  const char *wrong[] = { "i", "d", "b", "o", "a", "missing", "n" };
  const char *out = "unset";

  g_assert_true (pv_json_read_string (o, "s", FALSE, &out, NULL));
  g_assert_cmpstr (out, ==, "text");
  g_assert_true (pv_json_read_string (o, "n", TRUE, &out, NULL));
  g_assert_null (out);
  /* Nullable allows null, not a missing member. */
  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (pv_json_read_string (o, wrong[i], FALSE, &out, &error));
      assert_invalid (error, wrong[i]);
    }
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (pv_json_read_string (o, "missing", TRUE, &out, &error));
    assert_invalid (error, "missing");
  }
}

static void
test_numbers (void)
{
  g_autoptr(JsonObject) o = parse (odd);
  const char *wrong[] = { "d", "s", "num_s", "b", "o", "a", "n", "missing" };
  gint64 big = 0;
  gint small = 0;

  g_assert_true (pv_json_read_int64 (o, "big", FALSE, &big, NULL));
  g_assert_cmpint (big, ==, G_GINT64_CONSTANT (9000000000));
  g_assert_true (pv_json_read_int (o, "neg", FALSE, &small, NULL));
  g_assert_cmpint (small, ==, -3);
  g_assert_true (pv_json_read_int64 (o, "n", TRUE, &big, NULL));
  g_assert_cmpint (big, ==, 0);
  g_assert_true (pv_json_read_int (o, "n", TRUE, &small, NULL));
  g_assert_cmpint (small, ==, -1);
  {
    g_autoptr(GError) error = NULL;

    /* Beyond a gint: refused, not truncated. */
    g_assert_false (pv_json_read_int (o, "big", FALSE, &small, &error));
    assert_invalid (error, "big");
  }
  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GError) error_int = NULL;

      g_assert_false (pv_json_read_int64 (o, wrong[i], FALSE, &big, &error));
      assert_invalid (error, wrong[i]);
      g_assert_false (pv_json_read_int (o, wrong[i], FALSE, &small, &error_int));
      assert_invalid (error_int, wrong[i]);
    }
}

static void
test_boolean (void)
{
  g_autoptr(JsonObject) o = parse (odd);
  const char *wrong[] = { "str_b", "i", "o", "n", "missing" };
  gboolean out = FALSE;

  g_assert_true (pv_json_read_boolean (o, "b", FALSE, &out, NULL));
  g_assert_true (out);
  g_assert_true (pv_json_read_boolean (o, "n", TRUE, &out, NULL));
  g_assert_false (out);
  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (pv_json_read_boolean (o, wrong[i], FALSE, &out, &error));
      assert_invalid (error, wrong[i]);
    }
}

static void
test_time_and_state (void)
{
  g_autoptr(JsonObject) o = parse (odd);
  const char *wrong_time[] = { "bad_t", "empty", "i", "o", "n" };
  const char *wrong_state[] = { "bad_st", "empty", "i", "n" };
  gint64 when = -1;
  gint64 expected = 0;
  PvExpiryState state = PV_EXPIRY_EXPIRED;

  g_assert_true (pv_time_parse ("2026-11-18T10:00:00Z", &expected));
  g_assert_true (pv_json_read_time (o, "t", FALSE, &when, NULL));
  g_assert_cmpint (when, ==, expected);
  g_assert_true (pv_json_read_time (o, "n", TRUE, &when, NULL));
  g_assert_cmpint (when, ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (wrong_time); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (pv_json_read_time (o, wrong_time[i], FALSE, &when, &error));
      assert_invalid (error, wrong_time[i]);
    }

  g_assert_true (pv_json_read_state (o, "st", FALSE, &state, NULL));
  g_assert_cmpint (state, ==, PV_EXPIRY_URGENT);
  g_assert_true (pv_json_read_state (o, "n", TRUE, &state, NULL));
  g_assert_cmpint (state, ==, PV_EXPIRY_OK);
  for (guint i = 0; i < G_N_ELEMENTS (wrong_state); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (pv_json_read_state (o, wrong_state[i], FALSE, &state, &error));
      assert_invalid (error, wrong_state[i]);
    }
}

/* The _in variants read from a part of the answer that may be missing. */
static void
test_in_missing_object (void)
{
  g_autoptr(JsonObject) o = parse (odd);
  g_autoptr(GError) error = NULL;
  const char *text = "unset";
  gint64 when = -1;
  PvExpiryState state = PV_EXPIRY_EXPIRED;

  g_assert_true (pv_json_read_string_in (pv_json_object_member (o, "o"), "k", FALSE, &text, NULL));
  g_assert_cmpstr (text, ==, "v");
  text = "unset";
  g_assert_true (pv_json_read_string_in (pv_json_object_member (o, "absent"), "k", TRUE, &text, NULL));
  g_assert_true (pv_json_read_time_in (pv_json_object_member (o, "absent"), "t", TRUE, &when, NULL));
  g_assert_true (pv_json_read_state_in (pv_json_object_member (o, "absent"), "st", TRUE, &state, NULL));
  g_assert_false (pv_json_read_string_in (pv_json_object_member (o, "s"), "k", FALSE, &text, &error));
  assert_invalid (error, "k");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-read/members", test_members);
  g_test_add_func ("/json-read/string", test_string);
  g_test_add_func ("/json-read/numbers", test_numbers);
  g_test_add_func ("/json-read/boolean", test_boolean);
  g_test_add_func ("/json-read/time-and-state", test_time_and_state);
  g_test_add_func ("/json-read/in-missing-object", test_in_missing_object);
  return g_test_run ();
}
