/* test-calendar.c: the expiries as an iCalendar file (RFC 5545)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a calendar reads from the export: one all-day event per token on
 * the day it expires, an alarm at each reminder threshold, UIDs that stay
 * the same from one export to the next, TEXT escaped, lines of at most 75
 * octets folded between UTF-8 characters and ended by CRLF.  No display,
 * no network.
 */

#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "pv-calendar.h"
#include "pv-tenant-info.h"
#include "pv-time.h"

#define DAY PV_SECONDS_PER_DAY

static const gint64 NOW = 1795000000; /* 2026-11-18T11:06:40Z */

/* A tenant named @name with a users token expiring in 10 days, a persons
 * token in 200 days and an expired users token. */
static PvTenantInfo *
tenant_new (const char *id,
            const char *name)
{
  PvProfile profile = { (char *) id, (char *) "https://acme.example", NULL, FALSE };
  PvTenantInfo *tenant = pv_tenant_info_new (&profile);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonNode) root = json_node_init_string (json_node_alloc (), name);
  g_autoptr(GError) error = NULL;
  g_autofree char *name_json = NULL;
  g_autofree char *json = NULL;
  g_autofree char *created = pv_time_format (NOW - 300 * DAY);
  g_autofree char *soon = pv_time_format (NOW + 10 * DAY);
  g_autofree char *later = pv_time_format (NOW + 200 * DAY);
  g_autofree char *past = pv_time_format (NOW - 2 * DAY);

  /* The name through JSON's own escaping: it holds quotes and backslashes. */
  json_generator_set_root (generator, root);
  name_json = json_generator_to_data (generator, NULL);

#define TOKEN(id, state) \
  "{\"id\": \"" id "\", \"prefix\": \"pvs_" id "\", \"description\": \"\", \"created_by\": \"alice\"," \
  " \"created_at\": \"%s\", \"expires_at\": \"%s\", \"last_used_at\": null, \"state\": \"" state "\"," \
  " \"replaced_by\": null, \"retire\": null, \"retires_at\": null}"
  json = g_strdup_printf ("{\"clock_skew\": 0, \"tenant\": {\"name\": %s, \"api_key\": {\"owner\": \"alice\"}},"
                          " \"provisioning\": {\"connections\": ["
                          "{\"kind\": \"users\", \"identity_provider\": \"entra\","
                          " \"scim_base_url\": \"https://acme.example/scim/users\", \"last_request_at\": null,"
                          " \"last_request_token_id\": null, \"tokens\": [" TOKEN ("u1", "due-soon") ", "
                          TOKEN ("u0", "expired") "], \"deleted_tokens\": []},"
                          "{\"kind\": \"persons\", \"identity_provider\": \"entra\","
                          " \"scim_base_url\": \"https://acme.example/scim/persons\", \"last_request_at\": null,"
                          " \"last_request_token_id\": null, \"tokens\": [" TOKEN ("p1", "ok") "],"
                          " \"deleted_tokens\": []}]}}",
                          name_json, created, soon, created, past, created, later);
#undef TOKEN
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  g_assert_true (pv_tenant_info_update_from_json (tenant, json_node_get_object (json_parser_get_root (parser)),
                                                  &error));
  g_assert_no_error (error);
  return tenant;
}

static GListModel *
tenants_new (const char *name)
{
  GListStore *store = g_list_store_new (PV_TYPE_TENANT_INFO);
  g_autoptr(PvTenantInfo) tenant = tenant_new ("acme", name);

  g_list_store_append (store, tenant);
  return G_LIST_MODEL (store);
}

/* The physical lines are CRLF-ended, at most 75 octets, valid UTF-8 each
 * (so no fold split a character); returns the unfolded content lines. */
static GStrv
unfold (const char *calendar)
{
  g_auto(GStrv) physical = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  GString *current = NULL;
  gsize length = strlen (calendar);

  g_assert_true (g_utf8_validate (calendar, -1, NULL));
  g_assert_true (g_str_has_suffix (calendar, "END:VCALENDAR\r\n"));
  /* No bare LF. */
  for (gsize i = 0; i < length; i++)
    if (calendar[i] == '\n')
      g_assert_cmpint (i > 0 && calendar[i - 1] == '\r', ==, TRUE);

  physical = g_strsplit (calendar, "\r\n", -1);
  for (guint i = 0; physical[i] && physical[i + 1]; i++)
    {
      g_assert_cmpuint (strlen (physical[i]), <=, 75);
      g_assert_true (g_utf8_validate (physical[i], -1, NULL));
      if (physical[i][0] == ' ')
        {
          g_assert_nonnull (current);
          g_string_append (current, physical[i] + 1);
          continue;
        }
      if (current)
        g_ptr_array_add (lines, g_string_free (current, FALSE));
      current = g_string_new (physical[i]);
    }
  if (current)
    g_ptr_array_add (lines, g_string_free (current, FALSE));
  g_ptr_array_add (lines, NULL);
  return (GStrv) g_ptr_array_free (g_steal_pointer (&lines), FALSE);
}

static guint
count (GStrv        lines,
       const char  *line)
{
  guint n = 0;

  for (guint i = 0; lines[i]; i++)
    n += g_str_equal (lines[i], line);
  return n;
}

static GPtrArray *
values (GStrv       lines,
        const char *name)
{
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], name) && lines[i][strlen (name)] == ':')
      g_ptr_array_add (found, lines[i] + strlen (name) + 1);
  return found;
}

/* Each token that has not expired is an event on its day, with the
 * policy's alarms; the expired one is left out. */
static void
test_events (void)
{
  g_autoptr(GListModel) tenants = tenants_new ("Acme");
  PvExpiryPolicy policy;
  g_autofree char *calendar = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) uids = NULL;
  g_autoptr(GPtrArray) starts = NULL;
  g_autoptr(GPtrArray) ends = NULL;
  g_autoptr(GPtrArray) triggers = NULL;

  pv_expiry_policy_init_default (&policy);
  calendar = pv_calendar_build (tenants, &policy, NOW);
  lines = unfold (calendar);

  g_assert_cmpstr (lines[0], ==, "BEGIN:VCALENDAR");
  g_assert_cmpuint (count (lines, "VERSION:2.0"), ==, 1);
  g_assert_cmpuint (count (lines, "BEGIN:VEVENT"), ==, 2);
  g_assert_cmpuint (count (lines, "END:VEVENT"), ==, 2);
  g_assert_cmpuint (count (lines, "DTSTAMP:20261118T110640Z"), ==, 2);

  uids = values (lines, "UID");
  g_assert_cmpuint (uids->len, ==, 2);
  g_assert_true (g_ptr_array_find_with_equal_func (uids, "u1@acme.provisio", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (uids, "p1@acme.provisio", g_str_equal, NULL));

  /* All-day events (TZ=UTC here): the day of expiry to the next. */
  starts = values (lines, "DTSTART;VALUE=DATE");
  ends = values (lines, "DTEND;VALUE=DATE");
  g_assert_cmpuint (starts->len, ==, 2);
  g_assert_true (g_ptr_array_find_with_equal_func (starts, "20261128", g_str_equal, NULL));   /* +10 days */
  g_assert_true (g_ptr_array_find_with_equal_func (ends, "20261129", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (starts, "20270606", g_str_equal, NULL));   /* +200 days */
  g_assert_true (g_ptr_array_find_with_equal_func (ends, "20270607", g_str_equal, NULL));

  /* An alarm per threshold of the policy, per event. */
  triggers = values (lines, "TRIGGER");
  g_assert_cmpuint (triggers->len, ==, 2 * policy.n_thresholds);
  for (guint t = 0; t < policy.n_thresholds; t++)
    {
      g_autofree char *line = g_strdup_printf ("TRIGGER:-P%uD", policy.thresholds[t]);

      g_assert_cmpuint (count (lines, line), ==, 2);
    }
  g_assert_cmpuint (count (lines, "TRIGGER:-P14D"), ==, 2);
  g_assert_cmpuint (count (lines, "TRIGGER:-P3D"), ==, 2);
  g_assert_cmpuint (count (lines, "TRIGGER:-P1D"), ==, 2);
}

/* Exported again later (and by thresholds of one's own), the events keep
 * their UIDs, so that a calendar updates rather than duplicates. */
static void
test_uids_stable (void)
{
  g_autoptr(GListModel) tenants = tenants_new ("Acme");
  PvExpiryPolicy policy, other;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_auto(GStrv) first_lines = NULL;
  g_auto(GStrv) second_lines = NULL;
  g_autoptr(GPtrArray) first_uids = NULL;
  g_autoptr(GPtrArray) second_uids = NULL;

  pv_expiry_policy_init_default (&policy);
  g_assert_true (pv_expiry_policy_parse (&other, "30,7", NULL));
  first = pv_calendar_build (tenants, &policy, NOW);
  second = pv_calendar_build (tenants, &other, NOW + 3 * DAY);
  g_assert_cmpstr (first, !=, second);
  first_lines = unfold (first);
  second_lines = unfold (second);
  first_uids = values (first_lines, "UID");
  second_uids = values (second_lines, "UID");
  g_assert_cmpuint (first_uids->len, ==, second_uids->len);
  for (guint i = 0; i < first_uids->len; i++)
    g_assert_cmpstr (first_uids->pdata[i], ==, second_uids->pdata[i]);
  g_assert_cmpuint (count (second_lines, "TRIGGER:-P30D"), ==, 2);
  g_assert_cmpuint (count (second_lines, "TRIGGER:-P14D"), ==, 0);

  /* Past its last token's expiry, nothing is left. */
  {
    g_autofree char *empty = pv_calendar_build (tenants, &policy, NOW + 300 * DAY);
    g_auto(GStrv) empty_lines = unfold (empty);

    g_assert_cmpuint (count (empty_lines, "BEGIN:VEVENT"), ==, 0);
    g_assert_cmpuint (count (empty_lines, "END:VCALENDAR"), ==, 1);
  }
}

/* A tenant name with what TEXT must escape, and long enough, in
 * two-octet characters, to fold in the middle of them. */
static void
test_escaping_and_folding (void)
{
  const char *name = "Müller, Söhne; Back\\slash\nÜber Ämter Öfen Übel Ärger Ödnis Übung Ähre Öse Ü";
  g_autoptr(GListModel) tenants = tenants_new (name);
  PvExpiryPolicy policy;
  g_autofree char *calendar = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GPtrArray) summaries = NULL;
  gboolean folded = FALSE;

  pv_expiry_policy_init_default (&policy);
  calendar = pv_calendar_build (tenants, &policy, NOW);
  /* unfold() checks each physical line: ≤ 75 octets and whole characters. */
  lines = unfold (calendar);
  for (const char *p = strstr (calendar, "\r\n "); p; p = strstr (p + 1, "\r\n "))
    folded = TRUE;
  g_assert_true (folded);

  summaries = values (lines, "SUMMARY");
  g_assert_cmpuint (summaries->len, ==, 2);
  for (guint i = 0; i < summaries->len; i++)
    {
      const char *summary = summaries->pdata[i];

      g_assert_true (g_str_has_prefix (summary, "Müller\\, Söhne\\; Back\\\\slash\\nÜber Ämter"));
      g_assert_true (g_str_has_suffix (summary, " expires"));
      /* Nothing unescaped is left: each , ; \ is preceded by a backslash. */
      for (const char *p = summary; *p; p++)
        if (*p == '\\')
          {
            g_assert_true (p[1] == '\\' || p[1] == ',' || p[1] == ';' || p[1] == 'n');
            p++;
          }
        else
          g_assert_true (*p != ',' && *p != ';' && *p != '\n');
    }
}

int
main (int   argc,
      char *argv[])
{
  /* The events are all-day in local time: make it known. */
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/calendar/events", test_events);
  g_test_add_func ("/calendar/uids-stable", test_uids_stable);
  g_test_add_func ("/calendar/escaping-and-folding", test_escaping_and_folding);
  return g_test_run ();
}
