/* test-tracked-app.c: the vendor catalog and the apps tracked with it
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What an admin relies on when tracking an app whose vendor has no API:
 * the catalog says the seeds' facts, a token's expiry comes from the best
 * source there is, bad input is refused with a message and changes
 * nothing, apps.ini never holds a token, and a tracked app reaches the
 * dashboard and the reminders like a tenant.  No display, no network.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <json-glib/json-glib.h>

#include "pv-error.h"
#include "pv-guide.h"
#include "pv-overview.h"
#include "pv-reminders.h"
#include "pv-tenant-list.h"
#include "pv-time.h"
#include "pv-tracked-check.h"
#include "pv-token.h"
#include "pv-tracked-app.h"
#include "pv-vendor.h"

#define DAY PV_SECONDS_PER_DAY

static const gint64 NOW = 1795000000; /* 2026-11-18 */

static char *
base64url (const char *text)
{
  g_autofree char *b64 = g_base64_encode ((const guchar *) text, strlen (text));
  GString *s = g_string_new (b64);

  g_string_replace (s, "+", "-", 0);
  g_string_replace (s, "/", "_", 0);
  g_string_replace (s, "=", "", 0);
  return g_string_free (s, FALSE);
}

/* A JWT as nVoq makes them: header, claims, and a signature nobody here
 * can check. */
static char *
make_jwt (const char *claims)
{
  g_autofree char *header = base64url ("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
  g_autofree char *payload = base64url (claims);

  return g_strdup_printf ("%s.%s.c2lnbmF0dXJl", header, payload);
}

static void
test_catalog (void)
{
  g_auto(GStrv) ids = pv_vendor_list ();
  const char *expected[] = { "druva", "nvoq", "timeclock365", "timeneye", "timly", "other", NULL };

  g_assert_cmpstrv (ids, expected);
  for (guint i = 0; ids[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PvVendor) vendor = pv_vendor_lookup (ids[i], &error);

      g_assert_no_error (error);
      g_assert_cmpstr (vendor->id, ==, ids[i]);
      g_assert_cmpuint (vendor->steps->len, >, 0);
      g_assert_true (pv_vendor_has_connection (vendor, "users"));
    }
}

static void
test_catalog_facts (void)
{
  g_autoptr(PvVendor) timly = pv_vendor_lookup ("timly", NULL);
  g_autoptr(PvVendor) nvoq = pv_vendor_lookup ("nvoq", NULL);
  g_autoptr(PvVendor) druva = pv_vendor_lookup ("druva", NULL);
  g_autoptr(PvVendor) timeneye = pv_vendor_lookup ("timeneye", NULL);
  g_autoptr(PvVendor) timeclock = pv_vendor_lookup ("timeclock365", NULL);
  g_autoptr(PvVendor) other = pv_vendor_lookup ("other", NULL);
  g_autofree char *timly_schedule = pv_expiry_policy_to_string (&timly->reminders);
  g_autofree char *nvoq_schedule = pv_expiry_policy_to_string (&nvoq->reminders);
  g_autoptr(GPtrArray) steps = pv_vendor_renew_steps (timly, "persons", "Timly", NULL);

  /* Timly: Users and Persons, each its own app; 60/30/10 days */
  g_assert_true (pv_vendor_has_connection (timly, "persons"));
  g_assert_cmpstr (timly_schedule, ==, "60,30,10");
  g_assert_cmpuint (timly->lifetime_days, ==, 365);
  g_assert_true (strstr (((PvGuideStep *) g_ptr_array_index (steps, 1))->title, "Persons") != NULL);
  /* nVoq: JWTs, two at once, 30/14/7/3/1, Okta and Entra */
  g_assert_cmpstr (nvoq->token_format, ==, "jwt");
  g_assert_cmpuint (nvoq->max_active, ==, 2);
  g_assert_false (nvoq->old_token_dies);
  g_assert_cmpstr (nvoq_schedule, ==, "30,14,7,3,1");
  g_assert_true (g_strv_contains ((const char * const *) nvoq->identity_providers, "okta"));
  /* Druva: the old one dies the moment a new one is made */
  g_assert_true (druva->old_token_dies);
  g_assert_cmpuint (druva->lifetime_days, ==, 365);
  /* One fixed URL each */
  g_assert_cmpstr (timeneye->scim_url, ==, "https://api.timeneye.com/scim/v2");
  g_assert_cmpstr (timeclock->scim_url, ==, "https://live.timeclock365.com/scim");
  g_assert_cmpuint (timeclock->lifetime_days, ==, 0);
  /* Any SCIM app: nothing known */
  g_assert_cmpstr (other->name, ==, "Other SCIM app");
  g_assert_null (other->scim_url);
  g_assert_false (other->has_reminders);
}

#define VENDOR(inner) \
  "<vendor id=\"acme\"><name>Acme</name><connection kind=\"users\"/>" \
  "<token format=\"opaque\" lifetime-days=\"365\" max-active=\"1\" old-token=\"stays\"/>" \
  "<reminders>30</reminders><idp>entra</idp>" inner "</vendor>"
#define STEP "<step><title>Make a token</title><detail>In the console.</detail></step>"

static void
test_catalog_errors (void)
{
  const struct { const char *file; const char *message; } cases[] = {
    { VENDOR (""), "at least one step" },
    { VENDOR (STEP "<scim-url>http://acme.example/scim</scim-url>"), "https" },
    { VENDOR (STEP "<console>ftp://acme.example</console>"), "console" },
    { VENDOR (STEP "<connection kind=\"groups\"/>"), "groups" },
    { VENDOR (STEP "<connection kind=\"users\"/>"), "twice" },
    { VENDOR (STEP "<idp>ldap</idp>"), "ldap" },
    { VENDOR (STEP "<colour>red</colour>"), "colour" },
    { VENDOR ("<step><title>Only a title</title></step>"), "a title and a detail" },
    { VENDOR ("<step><title>To {nowhere}</title><detail>x</detail></step>"), "nowhere" },
    { "<vendor id=\"acme\"><name>Acme</name><connection kind=\"users\"/>"
      "<token format=\"opaque\" lifetime-days=\"forever\" max-active=\"1\" old-token=\"stays\"/>"
      "<reminders/><idp>entra</idp>" STEP "</vendor>", "lifetime-days" },
    { "<vendor id=\"acme\"><name>Acme</name><connection kind=\"users\"/>"
      "<token format=\"opaque\" lifetime-days=\"365\" max-active=\"1\" old-token=\"stays\"/>"
      "<reminders>30,400</reminders><idp>entra</idp>" STEP "</vendor>", "reminders" },
    { "<vendor id=\"Acme Corp\"><name>Acme</name></vendor>", "id" },
    { "<guide/>", "not a vendor" },
    { VENDOR (STEP) VENDOR (STEP), "more than one" },
    { "<vendor id=\"acme\">", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PvVendor) vendor = pv_vendor_parse ("acme", cases[i].file, strlen (cases[i].file), &error);

      g_test_message ("case %u: %s", i, error ? error->message : "(no error)");
      g_assert_null (vendor);
      g_assert_nonnull (error);
      g_assert_true (strstr (error->message, cases[i].message) != NULL);
    }
  {
    const char *good = VENDOR (STEP);
    g_autoptr(GError) error = NULL;
    g_autoptr(PvVendor) vendor = pv_vendor_parse ("acme", good, strlen (good), &error);

    g_assert_no_error (error);
    g_assert_cmpuint (vendor->reminders.thresholds[0], ==, 30);
  }
}

static void
test_token_clean (void)
{
  g_autoptr(GError) error = NULL;
  char *token = pv_tracked_token_clean ("  \tabcdef123456\r\n", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (token, ==, "abcdef123456");
  pv_secret_free (token);

  token = pv_tracked_token_clean ("abcdef\n123456", &error);
  g_assert_null (token);
  g_assert_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST);
  /* The message never repeats what was pasted. */
  g_assert_null (strstr (error->message, "abcdef"));
  g_clear_error (&error);

  token = pv_tracked_token_clean ("abc def 123456", &error);
  g_assert_null (token);
  g_assert_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST);
  g_clear_error (&error);

  token = pv_tracked_token_clean ("  \n ", &error);
  g_assert_null (token);
  g_assert_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST);
}

static void
test_expiry_sources (void)
{
  g_autoptr(PvVendor) nvoq = pv_vendor_lookup ("nvoq", NULL);
  g_autoptr(PvVendor) druva = pv_vendor_lookup ("druva", NULL);
  g_autoptr(PvVendor) other = pv_vendor_lookup ("other", NULL);
  g_autoptr(PvTrackedApp) app = pv_tracked_app_new ("a", "A", "nvoq");
  PvTrackedConnection *c = pv_tracked_app_add_connection (app, "users", "https://a.example/scim");
  g_autofree char *claims = g_strdup_printf ("{\"sub\":\"scim\",\"iat\":%" G_GINT64_FORMAT
                                             ",\"exp\":%" G_GINT64_FORMAT "}", NOW - 10 * DAY, NOW + 200 * DAY);
  g_autofree char *jwt = make_jwt (claims);
  g_autofree char *no_exp = make_jwt ("{\"sub\":\"scim\"}");
  g_autofree char *past_claims = g_strdup_printf ("{\"exp\":%" G_GINT64_FORMAT "}", NOW - DAY);
  g_autofree char *past = make_jwt (past_claims);
  g_autoptr(GError) error = NULL;

  /* The token's own exp wins over the vendor's year */
  g_assert_true (pv_tracked_connection_set_dates (c, nvoq, jwt, 0, NOW + DAY, NOW, &error));
  g_assert_no_error (error);
  g_assert_cmpint (c->expires_at, ==, NOW + 200 * DAY);
  g_assert_cmpint (c->issued_at, ==, NOW - 10 * DAY);
  g_assert_cmpint (c->source, ==, PV_EXPIRY_SOURCE_JWT);

  /* A JWT without exp, a past exp, a vendor's JWT that is none: refused,
   * the dates as they were */
  g_assert_false (pv_tracked_connection_set_dates (c, nvoq, no_exp, 0, 0, NOW, &error));
  g_assert_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST);
  g_assert_true (strstr (error->message, "exp") != NULL);
  g_clear_error (&error);
  g_assert_false (pv_tracked_connection_set_dates (c, nvoq, past, 0, 0, NOW, &error));
  g_assert_true (strstr (error->message, "expired") != NULL);
  g_clear_error (&error);
  g_assert_false (pv_tracked_connection_set_dates (c, nvoq, "opaque-token-1234", 0, 0, NOW, &error));
  g_assert_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  g_assert_cmpint (c->expires_at, ==, NOW + 200 * DAY);
  g_assert_cmpint (c->source, ==, PV_EXPIRY_SOURCE_JWT);

  /* An iat before the epoch, or an exp past year 9999, is no date */
  {
    g_autofree char *odd_claims = g_strdup_printf ("{\"iat\":-1767225600,\"exp\":%" G_GINT64_FORMAT "}",
                                                   NOW + 100 * DAY);
    g_autofree char *odd = make_jwt (odd_claims);
    g_autofree char *far = make_jwt ("{\"exp\":1e300}");
    gint64 issued = -1, expires = -1;

    g_assert_true (pv_jwt_read_times (odd, &issued, &expires, &error));
    g_assert_no_error (error);
    g_assert_cmpint (issued, ==, 0);
    g_assert_cmpint (expires, ==, NOW + 100 * DAY);
    g_assert_false (pv_jwt_read_times (far, &issued, &expires, &error));
    g_assert_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST);
    g_clear_error (&error);
  }

  /* Druva: 365 days from the day it was made */
  g_assert_true (pv_tracked_connection_set_dates (c, druva, "opaque-token-1234", NOW - 30 * DAY, 0, NOW, &error));
  g_assert_cmpint (c->expires_at, ==, NOW + 335 * DAY);
  g_assert_cmpint (c->source, ==, PV_EXPIRY_SOURCE_LIFETIME);

  /* Another app: only the date entered, and it is needed */
  g_assert_false (pv_tracked_connection_set_dates (c, other, NULL, 0, 0, NOW, &error));
  g_assert_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST);
  g_clear_error (&error);
  g_assert_true (pv_tracked_connection_set_dates (c, other, NULL, 0, NOW + 90 * DAY, NOW, &error));
  g_assert_cmpint (c->expires_at, ==, NOW + 90 * DAY);
  g_assert_cmpint (c->source, ==, PV_EXPIRY_SOURCE_ENTERED);
  g_assert_false (pv_tracked_connection_set_dates (c, other, NULL, 0, NOW - DAY, NOW, &error));
  g_assert_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST);
}

static void
test_urls (void)
{
  const char *good[] = { "https://api.timeneye.com/scim/v2", "http://127.0.0.1:8080/scim/v2",
                         "http://localhost/scim", NULL };
  const char *bad[] = { "http://vendor.example/scim", "ftp://vendor.example", "vendor.example/scim", "", NULL };

  for (guint i = 0; good[i]; i++)
    g_assert_true (pv_tracked_app_check_url (good[i], NULL));
  for (guint i = 0; bad[i]; i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (pv_tracked_app_check_url (bad[i], &error));
      g_assert_error (error, PV_ERROR, PV_ERROR_INVALID_REQUEST);
    }
}

static void
test_apps_file (void)
{
  g_autoptr(GPtrArray) apps = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_tracked_app_free);
  PvTrackedApp *app = pv_tracked_app_new ("timly", "Timly", "timly");
  PvTrackedConnection *c = pv_tracked_app_add_connection (app, "users", "https://timly.example/scim");
  PvTrackedConnection *p = pv_tracked_app_add_connection (app, "persons", "https://timly.example/scim/persons");
  g_autoptr(GPtrArray) read = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  PvTrackedApp *back;
  gsize length;

  c->issued_at = NOW - DAY;
  c->expires_at = NOW + 364 * DAY;
  c->source = PV_EXPIRY_SOURCE_LIFETIME;
  c->token_in_keyring = TRUE;
  p->expires_at = NOW + 10 * DAY;
  p->source = PV_EXPIRY_SOURCE_ENTERED;
  p->pending_since = NOW;
  p->pending_issued_at = NOW - 60;
  p->pending_expires_at = NOW + 30 * DAY;
  p->pending_source = PV_EXPIRY_SOURCE_JWT;
  p->sent_at = NOW + 60;
  g_ptr_array_add (apps, app);
  data = pv_tracked_apps_to_data (apps, &length);
  g_assert_true (strstr (data, "users-token=keyring") != NULL);

  read = pv_tracked_apps_parse (data, length, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (read->len, ==, 1);
  back = g_ptr_array_index (read, 0);
  g_assert_cmpstr (back->vendor, ==, "timly");
  g_assert_cmpuint (back->connections->len, ==, 2);
  c = pv_tracked_app_get_connection (back, "users");
  p = pv_tracked_app_get_connection (back, "persons");
  g_assert_cmpint (c->expires_at, ==, NOW + 364 * DAY);
  g_assert_cmpint (c->source, ==, PV_EXPIRY_SOURCE_LIFETIME);
  g_assert_true (c->token_in_keyring);
  g_assert_false (p->token_in_keyring);
  g_assert_cmpint (p->pending_since, ==, NOW);
  /* The new token's dates wait beside the old token's until it is handed over */
  g_assert_cmpint (p->expires_at, ==, NOW + 10 * DAY);
  g_assert_cmpint (p->pending_issued_at, ==, NOW - 60);
  g_assert_cmpint (p->pending_expires_at, ==, NOW + 30 * DAY);
  g_assert_cmpint (p->pending_source, ==, PV_EXPIRY_SOURCE_JWT);
  g_assert_cmpint (p->sent_at, ==, NOW + 60);
  g_assert_cmpint (c->pending_source, ==, PV_EXPIRY_SOURCE_UNKNOWN);
  g_assert_cmpint (c->sent_at, ==, 0);

  /* A damaged file is an error, not a silently shorter list */
  {
    const char *damaged = "[app timly]\nname=Timly\nusers-url=https://t.example\nusers-expires=next year\n";

    g_assert_null (pv_tracked_apps_parse (damaged, strlen (damaged), &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
    g_assert_true (strstr (error->message, "timly") != NULL);
  }
}

static PvTrackedApp *
timly_app (gint64 users_expires_at)
{
  PvTrackedApp *app = pv_tracked_app_new ("timly", "Timly", "timly");
  PvTrackedConnection *c = pv_tracked_app_add_connection (app, "users", "https://timly.example/scim");
  PvTrackedConnection *p = pv_tracked_app_add_connection (app, "persons", "https://timly.example/scim");

  c->issued_at = users_expires_at - 365 * DAY;
  c->expires_at = users_expires_at;
  c->source = PV_EXPIRY_SOURCE_LIFETIME;
  p->issued_at = NOW - DAY;
  p->expires_at = NOW + 364 * DAY;
  p->source = PV_EXPIRY_SOURCE_LIFETIME;
  return app;
}

/* On the dashboard and in the reminders like a tenant, by the vendor's
 * own schedule. */
static void
test_as_tenant (void)
{
  g_autoptr(PvTrackedApp) app = timly_app (NOW + 45 * DAY);
  g_autoptr(PvTenantInfo) info = pv_tracked_app_new_info (app, NULL, NOW);
  g_autoptr(GListStore) list = g_list_store_new (PV_TYPE_TENANT_INFO);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GKeyFile) sent = g_key_file_new ();
  g_autofree char *schedule = pv_expiry_policy_to_string (pv_tenant_info_get_policy (info));
  PvNextAction *first;

  g_assert_cmpstr (pv_tenant_info_get_name (info), ==, "Timly");
  g_assert_cmpstr (schedule, ==, "60,30,10");
  g_assert_cmpuint (g_list_model_get_n_items (pv_tenant_info_get_connections (info)), ==, 2);
  g_list_store_append (list, info);

  items = pv_overview_items (G_LIST_MODEL (list), NULL, NOW);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpint (((PvOverviewItem *) g_ptr_array_index (items, 0))->expires_at, ==, NOW + 45 * DAY);

  /* 45 days left: inside Timly's 60, a reminder and a next action */
  actions = pv_overview_next_actions (G_LIST_MODEL (list), NULL, NOW);
  g_assert_cmpuint (actions->len, >=, 1);
  first = g_ptr_array_index (actions, 0);
  g_assert_cmpint (first->action, ==, PV_ACTION_RENEW);
  g_assert_cmpstr (first->kind, ==, "users");
  due = pv_reminders_due_for_tenant (info, pv_tenant_info_get_policy (info), NOW, sent);
  g_assert_cmpuint (due->len, ==, 1);
  g_assert_cmpint (((PvDueReminder *) g_ptr_array_index (due, 0))->threshold, ==, 60);
}

/* A token the vendor refuses is urgent whatever its dates say. */
static void
test_rejected_is_urgent (void)
{
  g_autoptr(PvTrackedApp) app = timly_app (NOW + 300 * DAY);
  g_autoptr(GHashTable) verdicts = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(PvTenantInfo) fine = pv_tracked_app_new_info (app, NULL, NOW);
  g_autoptr(PvTenantInfo) rejected = NULL;

  g_assert_cmpint (pv_tenant_info_get_state (fine), ==, PV_EXPIRY_OK);
  g_hash_table_insert (verdicts, (gpointer) "users", GINT_TO_POINTER (PV_PROBE_TOKEN_REJECTED + 1));
  rejected = pv_tracked_app_new_info (app, verdicts, NOW);
  g_assert_cmpint (pv_tenant_info_get_state (rejected), ==, PV_EXPIRY_URGENT);
  /* And as the dashboard shows it, its states computed when shown, a day
   * later: the sidebar, the counts, the timeline and Next Actions */
  g_assert_cmpint (pv_overview_tenant_state (fine, NULL, NOW + DAY), ==, PV_EXPIRY_OK);
  g_assert_cmpint (pv_overview_tenant_state (rejected, NULL, NOW + DAY), ==, PV_EXPIRY_URGENT);
  {
    g_autoptr(GPtrArray) items = pv_overview_tenant_items (rejected, NULL, NOW + DAY);
    g_autoptr(GPtrArray) actions = pv_overview_tenant_actions (rejected, NULL, NOW + DAY);
    g_autoptr(GPtrArray) none = pv_overview_tenant_actions (fine, NULL, NOW + DAY);
    PvNextAction *action;

    /* Users refused, Persons accepted */
    g_assert_cmpuint (items->len, ==, 2);
    for (guint i = 0; i < items->len; i++)
      {
        PvOverviewItem *item = g_ptr_array_index (items, i);

        g_assert_cmpint (item->state, ==, g_str_equal (item->kind, "users") ? PV_EXPIRY_URGENT : PV_EXPIRY_OK);
      }
    g_assert_cmpuint (none->len, ==, 0);
    g_assert_cmpuint (actions->len, ==, 1);
    action = g_ptr_array_index (actions, 0);
    g_assert_cmpint (action->action, ==, PV_ACTION_RENEW);
    g_assert_cmpint (action->state, ==, PV_EXPIRY_URGENT);
    g_assert_cmpstr (action->kind, ==, "users");
    g_assert_nonnull (strstr (action->subtitle, "Refused by the vendor"));
  }

  g_hash_table_insert (verdicts, (gpointer) "users", GINT_TO_POINTER (PV_PROBE_UNREACHABLE + 1));
  g_clear_object (&rejected);
  rejected = pv_tracked_app_new_info (app, verdicts, NOW);
  g_assert_cmpint (pv_tenant_info_get_state (rejected), ==, PV_EXPIRY_OK);
  g_assert_cmpint (pv_overview_tenant_state (rejected, NULL, NOW + DAY), ==, PV_EXPIRY_OK);
}

/* A rejected token is notified once per rejection, by the app (GNotification)
 * and the timer (provisioctl remind) alike: told again only after the vendor
 * accepted it in between. */
static void
test_rejected_reminder_once (void)
{
  g_autoptr(PvTrackedApp) app = timly_app (NOW + 300 * DAY);
  g_autoptr(PvTenantInfo) info = pv_tracked_app_new_info (app, NULL, NOW);
  g_autoptr(GKeyFile) checks = g_key_file_new ();
  g_autoptr(GKeyFile) sent = g_key_file_new ();
  g_autoptr(GPtrArray) due = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_due_reminder_free);
  PvDueReminder *r;

  pv_tracked_checks_set (checks, app, "persons", PV_PROBE_TOKEN_REJECTED, "The endpoint refuses the token (HTTP 401)",
                         NOW);
  pv_tracked_checks_set (checks, app, "users", PV_PROBE_WORKS, "The vendor accepts the token", NOW);
  pv_tracked_checks_add_due (checks, app, info, sent, due);
  g_assert_cmpuint (due->len, ==, 1);
  r = g_ptr_array_index (due, 0);
  g_assert_cmpstr (r->kind, ==, "persons");
  g_assert_cmpint (r->state, ==, PV_EXPIRY_URGENT);
  g_assert_nonnull (strstr (r->title, "rejects the token"));
  g_assert_nonnull (strstr (r->body, "HTTP 401"));
  pv_reminders_mark_sent (sent, r);

  g_ptr_array_set_size (due, 0);
  pv_tracked_checks_add_due (checks, app, info, sent, due);
  g_assert_cmpuint (due->len, ==, 0);

  /* Accepted again, then rejected again: told again */
  pv_tracked_checks_set (checks, app, "persons", PV_PROBE_WORKS, "The vendor accepts the token", NOW + 900);
  pv_tracked_checks_add_due (checks, app, info, sent, due);
  g_assert_cmpuint (due->len, ==, 0);
  pv_tracked_checks_set (checks, app, "persons", PV_PROBE_TOKEN_REJECTED, "HTTP 403", NOW + 1800);
  pv_tracked_checks_add_due (checks, app, info, sent, due);
  g_assert_cmpuint (due->len, ==, 1);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* Loads @list from an apps.ini of @apps and an app-checks.ini of @checks */
static void
load_list (PvTenantList *list,
           const char   *apps_path,
           const char   *apps,
           const char   *checks)
{
  g_autoptr(GFile) checks_file = pv_tracked_checks_default_file ();
  g_autofree char *checks_dir = g_path_get_dirname (g_file_peek_path (checks_file));
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (apps_path, apps, -1, NULL));
  g_mkdir_with_parents (checks_dir, 0700);
  g_assert_true (g_file_set_contents (g_file_peek_path (checks_file), checks, -1, NULL));
  pv_tenant_list_load_async (list, NULL, loaded_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (pv_tenant_list_load_finish (list, result, &error));
  g_assert_no_error (error);
}

/* The app's list of tenants shows the tracked apps after the tenants,
 * from apps.ini, with the last checks' verdicts, without a network. */
static void
test_in_tenant_list (void)
{
  g_autofree char *dir = g_dir_make_tmp ("provisio-apps-XXXXXX", NULL);
  g_autofree char *apps_path = g_build_filename (dir, "apps.ini", NULL);
  g_autofree char *tenants_path = g_build_filename (dir, "tenants.ini", NULL);
  g_autoptr(GFile) checks_file = NULL;
  g_autoptr(GFile) tenants = g_file_new_for_path (tenants_path);
  g_autoptr(PvTenantList) list = pv_tenant_list_new (tenants);
  g_autoptr(PvTenantInfo) info = NULL;
  const char *apps = "[app druva]\nname=Druva backup\nvendor=druva\n"
                     "users-url=https://druva.example/scim\nusers-issued=2026-11-01T00:00:00Z\n"
                     "users-expires=2027-11-01T00:00:00Z\nusers-expiry-source=lifetime\nusers-token=keyring\n";
  const char *checks = "[app:druva/users]\nverdict=token-rejected\ndetail=HTTP 401\n"
                       "checked-at=2026-12-01T00:00:00Z\n";

  checks_file = pv_tracked_checks_default_file ();
  load_list (list, apps_path, apps, checks);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 1);
  info = g_list_model_get_item (G_LIST_MODEL (list), 0);
  g_assert_cmpstr (pv_tenant_info_get_name (info), ==, "Druva backup");
  g_assert_nonnull (pv_tenant_list_get_tracked_app (list, info));
  g_assert_null (pv_tenant_list_get_client (list, info));
  g_assert_null (pv_tenant_info_get_error (info));
  /* A year left, but the vendor refused the token at the last check */
  g_assert_cmpint (pv_tenant_info_get_state (info), ==, PV_EXPIRY_URGENT);

  g_unlink (g_file_peek_path (checks_file));
  g_unlink (apps_path);
  g_rmdir (dir);
}

/* A copy of druva's app as apps.ini has it after a paste or a record */
static PvTrackedApp *
druva (const char *issued,
       const char *expires,
       const char *pending_since)
{
  PvTrackedApp *app = pv_tracked_app_new ("druva", "Druva backup", "druva");
  PvTrackedConnection *users = pv_tracked_app_add_connection (app, "users", "https://druva.example/scim");

  g_assert_true (pv_time_parse (issued, &users->issued_at));
  g_assert_true (pv_time_parse (expires, &users->expires_at));
  users->source = PV_EXPIRY_SOURCE_LIFETIME;
  users->token_in_keyring = TRUE;
  if (pending_since != NULL)
    {
      g_assert_true (pv_time_parse (pending_since, &users->pending_since));
      g_assert_true (pv_time_parse ("2026-12-01T00:00:00Z", &users->pending_issued_at));
      g_assert_true (pv_time_parse ("2027-12-01T00:00:00Z", &users->pending_expires_at));
      users->pending_source = PV_EXPIRY_SOURCE_LIFETIME;
    }
  return app;
}

/* Renewal step 5 (issue #15): once the new token is recorded, the old
 * token's verdict is not shown as the new one's.  A pasted token still
 * waiting to be handed over keeps the old one's: it is the one in use. */
static void
test_recorded_token_verdict (void)
{
  g_autofree char *dir = g_dir_make_tmp ("provisio-apps-XXXXXX", NULL);
  g_autofree char *apps_path = g_build_filename (dir, "apps.ini", NULL);
  g_autofree char *tenants_path = g_build_filename (dir, "tenants.ini", NULL);
  g_autoptr(GFile) checks_file = pv_tracked_checks_default_file ();
  g_autoptr(GFile) tenants = g_file_new_for_path (tenants_path);
  g_autoptr(PvTenantList) list = pv_tenant_list_new (tenants);
  g_autoptr(PvTenantInfo) info = NULL;
  GKeyFile *checks;
  PvProbeVerdict verdict;
  const char *apps = "[app druva]\nname=Druva backup\nvendor=druva\n"
                     "users-url=https://druva.example/scim\nusers-issued=2026-11-01T00:00:00Z\n"
                     "users-expires=2027-11-01T00:00:00Z\nusers-expiry-source=lifetime\nusers-token=keyring\n"
                     "users-pending-since=2026-12-01T00:00:00Z\nusers-pending-issued=2026-12-01T00:00:00Z\n"
                     "users-pending-expires=2027-12-01T00:00:00Z\nusers-pending-expiry-source=lifetime\n";
  const char *checks_text = "[app:druva/users]\nverdict=token-rejected\ndetail=HTTP 401\n"
                            "checked-at=2026-12-01T00:00:00Z\n";

  load_list (list, apps_path, apps, checks_text);
  info = g_list_model_get_item (G_LIST_MODEL (list), 0);
  checks = pv_tenant_list_get_checks (list);
  g_assert_cmpint (pv_tenant_info_get_state (info), ==, PV_EXPIRY_URGENT);

  /* Shown anew while the pasted token waits: the old token's verdict stays. */
  pv_tenant_list_add_tracked_app (list, druva ("2026-11-01T00:00:00Z", "2027-11-01T00:00:00Z",
                                               "2026-12-01T00:00:00Z"), NULL, NULL);
  g_assert_true (pv_tracked_checks_get (checks, pv_tenant_list_get_tracked_app (list, info), "users", &verdict,
                                        NULL, NULL));
  g_assert_cmpint (verdict, ==, PV_PROBE_TOKEN_REJECTED);
  g_assert_cmpint (pv_tenant_info_get_state (info), ==, PV_EXPIRY_URGENT);

  /* Recorded: the new token is the one in use, and has no verdict yet. */
  pv_tenant_list_add_tracked_app (list, druva ("2026-12-01T00:00:00Z", "2027-12-01T00:00:00Z", NULL), NULL, NULL);
  g_assert_false (pv_tracked_checks_get (checks, pv_tenant_list_get_tracked_app (list, info), "users", &verdict,
                                         NULL, NULL));
  g_assert_cmpint (pv_tenant_info_get_state (info), !=, PV_EXPIRY_URGENT);
  g_assert_cmpint (pv_tenant_info_get_state (info), !=, PV_EXPIRY_EXPIRED);

  g_unlink (g_file_peek_path (checks_file));
  g_unlink (apps_path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *state = g_dir_make_tmp ("provisio-state-XXXXXX", NULL);

  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("XDG_STATE_HOME", state, TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/vendor/catalog", test_catalog);
  g_test_add_func ("/vendor/facts", test_catalog_facts);
  g_test_add_func ("/vendor/errors", test_catalog_errors);
  g_test_add_func ("/tracked-app/token-clean", test_token_clean);
  g_test_add_func ("/tracked-app/expiry-sources", test_expiry_sources);
  g_test_add_func ("/tracked-app/urls", test_urls);
  g_test_add_func ("/tracked-app/apps-file", test_apps_file);
  g_test_add_func ("/tracked-app/as-tenant", test_as_tenant);
  g_test_add_func ("/tracked-app/rejected-is-urgent", test_rejected_is_urgent);
  g_test_add_func ("/tracked-app/in-tenant-list", test_in_tenant_list);
  g_test_add_func ("/tracked-app/recorded-token-verdict", test_recorded_token_verdict);
  g_test_add_func ("/tracked-app/rejected-reminder-once", test_rejected_reminder_once);
  return g_test_run ();
}
