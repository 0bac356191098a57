/* test-time.c
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "pv-time.h"

static void
test_format (void)
{
  g_autofree char *a = pv_time_format (0);
  g_autofree char *b = pv_time_format (1795000000);

  g_assert_cmpstr (a, ==, "1970-01-01T00:00:00Z");
  g_assert_cmpstr (b, ==, "2026-11-18T11:06:40Z");
}

static void
test_parse (void)
{
  gint64 t = 0;

  g_assert_true (pv_time_parse ("2026-11-18T11:06:40Z", &t));
  g_assert_cmpint (t, ==, 1795000000);
  g_assert_true (pv_time_parse ("2026-11-18T13:06:40+02:00", &t));
  g_assert_cmpint (t, ==, 1795000000);
  g_assert_true (pv_time_parse ("2026-11-18T06:06:40-05:00", &t));
  g_assert_cmpint (t, ==, 1795000000);

  /* Without a zone a time would silently become local time. */
  g_assert_false (pv_time_parse ("2026-11-18T11:06:40", &t));
  g_assert_false (pv_time_parse ("2026-11-18", &t));
  g_assert_false (pv_time_parse ("yesterday", &t));
  g_assert_false (pv_time_parse ("", &t));
  g_assert_false (pv_time_parse (NULL, &t));
  g_assert_false (pv_time_parse ("2026-13-40T07:06:40Z", &t));
}

static void
test_round_trip (void)
{
  for (gint64 t = 0; t < 4102444800; t += 86399 * 37)
    {
      g_autofree char *text = pv_time_format (t);
      gint64 back = -1;

      g_assert_true (pv_time_parse (text, &back));
      g_assert_cmpint (back, ==, t);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/time/format", test_format);
  g_test_add_func ("/time/parse", test_parse);
  g_test_add_func ("/time/round-trip", test_round_trip);

  return g_test_run ();
}
