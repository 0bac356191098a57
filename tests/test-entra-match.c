/* test-entra-match.c: which Entra enterprise app a connection is
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Discovery finds each enterprise app's SCIM BaseAddress as Graph tells
 * it; the admin typed the connection's SCIM base URL elsewhere.  The same
 * URL written differently is the same app; two apps on one URL are the
 * admin's choice, not ours.  No display, no network.
 */

#include "config.h"

#include "pv-entra.h"

static void
test_urls_match (void)
{
  const struct { const char *a; const char *b; gboolean same; } cases[] = {
    { "https://acme.example/scim/v2", "https://acme.example/scim/v2", TRUE },
    { "HTTPS://ACME.Example/scim/v2", "https://acme.example/scim/v2", TRUE },
    { "https://acme.example/scim/v2/", "https://acme.example/scim/v2", TRUE },
    { "https://acme.example/scim/v2//", "https://acme.example/scim/v2", TRUE },
    { "  https://acme.example/scim/v2\n", "https://acme.example/scim/v2", TRUE },
    { "https://acme.example:443/scim/v2", "https://acme.example/scim/v2", TRUE },
    { "http://acme.example:80/scim/v2", "http://acme.example/scim/v2", TRUE },
    { "https://acme.example:8443/scim/v2", "https://acme.example/scim/v2", FALSE },
    { "https://acme.example:80/scim/v2", "https://acme.example/scim/v2", FALSE },
    { "http://acme.example/scim/v2", "https://acme.example/scim/v2", FALSE },
    { "https://acme.example/SCIM/v2", "https://acme.example/scim/v2", FALSE },   /* paths are case-sensitive */
    { "https://acme.example/scim/v2/Users", "https://acme.example/scim/v2", FALSE },
    { "https://acme.example.org/scim/v2", "https://acme.example/scim/v2", FALSE },
    { "https://acme.example", "https://acme.example/", TRUE },
    { "acme.example/scim/v2", "https://acme.example/scim/v2", FALSE },   /* no scheme: no host */
    { "", "https://acme.example/scim/v2", FALSE },
    { "not a url", "not a url", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("%s vs %s", cases[i].a, cases[i].b);
      g_assert_cmpint (pv_entra_urls_match (cases[i].a, cases[i].b), ==, cases[i].same);
      g_assert_cmpint (pv_entra_urls_match (cases[i].b, cases[i].a), ==, cases[i].same);
    }
  g_assert_false (pv_entra_urls_match (NULL, "https://acme.example/scim/v2"));
  g_assert_false (pv_entra_urls_match ("https://acme.example/scim/v2", NULL));
  g_assert_false (pv_entra_urls_match (NULL, NULL));
}

static PvEntraApp *
app_new (const char *name,
         const char *base_address)
{
  PvEntraApp *app = g_new0 (PvEntraApp, 1);

  app->service_principal_id = g_strdup_printf ("sp-%s", name);
  app->display_name = g_strdup (name);
  app->base_address = g_strdup (base_address);
  return app;
}

static void
test_match (void)
{
  g_autoptr(GPtrArray) apps = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_entra_app_free);
  g_autoptr(GPtrArray) none = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_entra_app_free);

  g_assert_cmpint (pv_entra_match (none, "https://acme.example/scim/v2"), ==, -1);

  g_ptr_array_add (apps, app_new ("Unrelated", "https://other.example/scim"));
  g_ptr_array_add (apps, app_new ("No address yet", NULL));
  g_ptr_array_add (apps, app_new ("Acme Users", "https://ACME.example:443/scim/users/"));
  g_ptr_array_add (apps, app_new ("Acme Persons", "https://acme.example/scim/persons"));

  /* One app: found, however the URL is written. */
  g_assert_cmpint (pv_entra_match (apps, "https://acme.example/scim/users"), ==, 2);
  g_assert_cmpint (pv_entra_match (apps, "https://acme.example/scim/persons/"), ==, 3);
  /* None. */
  g_assert_cmpint (pv_entra_match (apps, "https://acme.example/scim/other"), ==, -1);
  g_assert_cmpint (pv_entra_match (apps, NULL), ==, -1);
  /* Several on one URL: none chosen, the admin picks. */
  g_ptr_array_add (apps, app_new ("Acme Users (copy)", "https://acme.example/scim/users"));
  g_assert_cmpint (pv_entra_match (apps, "https://acme.example/scim/users"), ==, -1);
  g_assert_cmpint (pv_entra_match (apps, "https://acme.example/scim/persons"), ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/entra-match/urls", test_urls_match);
  g_test_add_func ("/entra-match/apps", test_match);
  return g_test_run ();
}
