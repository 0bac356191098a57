/* test-guide.c: the setup and renew guides, as the app and provisioctl show them
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The guides in data/guides are compiled into libprovisio; each one is
 * read back from the resources, filled with a tenant's values, and
 * compared with the file; malformed guides are refused with an error that
 * says where.  No display, no network.
 */

#include "config.h"

#include <string.h>

#include "pv-error.h"
#include "pv-guide.h"

static const char *guides_dir;

/* The resources hold exactly the guides of data/guides. */
static void
test_list_is_the_data (void)
{
  g_auto(GStrv) listed = pv_guide_list ();
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  guint on_disk = 0;
  const char *name;

  dir = g_dir_open (guides_dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)))
    if (g_str_has_suffix (name, ".guide"))
      {
        g_autofree char *guide = g_strndup (name, strlen (name) - strlen (".guide"));

        g_assert_true (g_strv_contains ((const char * const *) listed, guide));
        on_disk++;
      }
  g_assert_cmpuint (on_disk, >=, 7);
  g_assert_cmpuint (g_strv_length (listed), ==, on_disk);
}

static gboolean
has_placeholder (const char *text)
{
  return strstr (text, "{app}") || strstr (text, "{tenant}") || strstr (text, "{url}");
}

/* Each guide, filled in: as many steps as the file, no placeholder left,
 * the tenant's name, URL and app where the file asked for them. */
static void
test_every_guide_filled (void)
{
  g_auto(GStrv) listed = pv_guide_list ();
  const char *url = "https://acme.example/scim/v2";
  const char *tenant = "Acme & Söhne";

  for (guint i = 0; listed[i]; i++)
    {
      g_auto(GStrv) parts = g_strsplit (listed[i], "-", 2);
      g_autofree char *file = g_strdup_printf ("%s/%s.guide", guides_dir, listed[i]);
      g_autofree char *data = NULL;
      gsize length = 0;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) raw = NULL;
      g_autoptr(GPtrArray) users = NULL;
      g_autoptr(GPtrArray) persons = NULL;

      g_test_message ("%s", listed[i]);
      g_assert_true (g_file_get_contents (file, &data, &length, &error));
      g_assert_no_error (error);
      raw = pv_guide_parse (listed[i], data, length, &error);
      g_assert_no_error (error);
      users = pv_guide_steps (parts[0], parts[1], "users", tenant, url, &error);
      g_assert_no_error (error);
      persons = pv_guide_steps (parts[0], parts[1], "persons", tenant, url, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (users->len, ==, raw->len);
      g_assert_cmpuint (persons->len, ==, raw->len);

      for (guint s = 0; s < raw->len; s++)
        {
          PvGuideStep *written = raw->pdata[s];
          PvGuideStep *u = users->pdata[s];
          PvGuideStep *p = persons->pdata[s];

          g_assert_false (has_placeholder (u->title) || has_placeholder (u->detail));
          g_assert_cmpstr (u->link, ==, written->link);
          g_assert_true (u->link == NULL || g_str_has_prefix (u->link, "https://"));
          g_assert_cmpuint (g_strv_length (u->fields), ==, g_strv_length (written->fields));
          if (strstr (written->detail, "{url}"))
            g_assert_nonnull (strstr (u->detail, url));
          if (strstr (written->detail, "{tenant}") || strstr (written->title, "{tenant}"))
            g_assert_true (strstr (u->detail, tenant) || strstr (u->title, tenant));
          if (strstr (written->title, "{app}"))
            {
              g_assert_nonnull (strstr (u->title, "Users"));
              g_assert_nonnull (strstr (p->title, "Persons"));
            }
          if (!has_placeholder (written->title) && !has_placeholder (written->detail))
            {
              g_assert_cmpstr (u->title, ==, written->title);
              g_assert_cmpstr (u->detail, ==, written->detail);
            }
        }
    }
}

/* The step where the token goes in shows both values to copy, in each
 * renew guide. */
static void
test_renew_steps (void)
{
  const char *providers[] = { NULL, "entra", "okta", "other", "onelogin" };

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    {
      g_autoptr(GPtrArray) steps = pv_guide_renew_steps (providers[i], "users", "Acme", "https://acme.example/scim");
      gboolean token_step = FALSE;

      g_assert_cmpuint (steps->len, >, 0);
      for (guint s = 0; s < steps->len; s++)
        {
          PvGuideStep *step = steps->pdata[s];

          token_step |= g_strv_contains ((const char * const *) step->fields, "secret-token");
        }
      g_assert_true (token_step);
    }
  g_assert_cmpint (pv_guide_provider_cycle ("entra"), ==, 40 * 60);
  g_assert_cmpint (pv_guide_provider_cycle ("okta"), ==, 60 * 60);
}

static void
test_no_such_guide (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = pv_guide_steps ("okta", "dance", "users", "Acme", "https://acme.example", &error);

  g_assert_null (steps);
  g_assert_error (error, G_RESOURCE_ERROR, G_RESOURCE_ERROR_NOT_FOUND);
}

/* Malformed guides: refused, saying which step and what. */
static void
test_malformed (void)
{
  const struct { const char *data; const char *message; } cases[] = {
    { "<guide></guide>", "has no steps" },
    { "<guide><step><title>T</title></step></guide>", "step 1: a title and a detail are needed" },
    { "<guide><step><title>T</title><detail>D</detail></step>"
      "<step><title>T</title><detail>D</detail><link>http://example.com</link></step></guide>",
      "step 2: links go to https pages" },
    { "<guide><step><title>T</title><detail>D</detail><field>password</field></step></guide>",
      "step 1: no field “password”" },
    { "<guide><step><title>Open {portal}</title><detail>D</detail></step></guide>",
      "step 1: no placeholder “portal”" },
    { "<guide><step><title>T</title><detail>Paste {url</detail></step></guide>",
      "step 1: no placeholder “{url”" },
    { "<guide><step><title>T</title><detail>D</detail><image/></step></guide>", "unknown element <image>" },
    { "<guide><title>T</title></guide>", "<title> outside a step" },
    { "<guide><step><title>T</title>", NULL },
    { "not xml at all <", NULL },
    /* GMarkup alone would read on past this and set a second error */
    { "<guide></guide>\n<![CDATA[\xfe]]>\nx", "byte 26 is not UTF-8 text" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) steps = pv_guide_parse ("broken", cases[i].data, strlen (cases[i].data), &error);
      g_autofree char *shown = g_strescape (cases[i].data, NULL);

      g_test_message ("%s", shown);
      g_assert_null (steps);
      g_assert_nonnull (error);
      if (cases[i].message)
        g_assert_nonnull (strstr (error->message, cases[i].message));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  guides_dir = g_getenv ("PV_GUIDES_DIR");
  g_assert_nonnull (guides_dir);
  g_test_add_func ("/guide/list-is-the-data", test_list_is_the_data);
  g_test_add_func ("/guide/every-guide-filled", test_every_guide_filled);
  g_test_add_func ("/guide/renew-steps", test_renew_steps);
  g_test_add_func ("/guide/no-such-guide", test_no_such_guide);
  g_test_add_func ("/guide/malformed", test_malformed);
  return g_test_run ();
}
