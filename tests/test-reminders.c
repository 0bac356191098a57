/* test-reminders.c: Provisio's own access in the overview and the
 * reminders: the admin API key of a tenant, and the Microsoft sign-in
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>

#include "pv-entra.h"
#include "pv-overview.h"
#include "pv-reminder-cycle.h"
#include "pv-reminders.h"
#include "pv-tenant-info.h"
#include "pv-tenant-list.h"
#include "pv-time.h"

#define DAY PV_SECONDS_PER_DAY

static const gint64 NOW = 1795000000; /* 2026-11-18 */

/* A tenant as its GET /api/v1/tenant answer describes it: no connections, a key. */
static PvTenantInfo *
tenant_with_key (gint64      expires_at,
                 const char *state)
{
  PvProfile profile = { (char *) "acme", (char *) "https://acme.example", NULL, FALSE };
  PvTenantInfo *tenant = pv_tenant_info_new (&profile);
  g_autofree char *expires = pv_time_format (expires_at);
  g_autofree char *created = pv_time_format (expires_at - 365 * DAY);
  g_autofree char *json = g_strdup_printf ("{\"tenant\": {\"id\": \"acme\", \"name\": \"Acme Corp\", \"plan\": \"standard\","
                                           " \"api_key\": {\"id\": \"key_AAAAAAAAAAAA\", \"prefix\": \"pva_AbC123\","
                                           " \"owner\": \"it@acme.example\", \"created_at\": \"%s\","
                                           " \"expires_at\": \"%s\", \"days_left\": 9, \"state\": \"%s\"}}}",
                                           created, expires, state);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  g_assert_true (pv_tenant_info_update_from_json (tenant, json_node_get_object (json_parser_get_root (parser)), &error));
  g_assert_no_error (error);
  return tenant;
}

static void
test_key_in_overview (void)
{
  g_autoptr(GListStore) tenants = g_list_store_new (PV_TYPE_TENANT_INFO);
  /* Fetched when it was still "ok": the state is judged when shown. */
  g_autoptr(PvTenantInfo) tenant = tenant_with_key (NOW + 9 * DAY, "ok");
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  PvOverviewItem *item;
  PvNextAction *action;

  g_list_store_append (tenants, tenant);
  items = pv_overview_items (G_LIST_MODEL (tenants), NULL, NOW);
  g_assert_cmpuint (items->len, ==, 1);
  item = g_ptr_array_index (items, 0);
  g_assert_cmpstr (item->key_id, ==, "key_AAAAAAAAAAAA");
  g_assert_null (item->kind);
  g_assert_cmpint (item->expires_at, ==, NOW + 9 * DAY);
  g_assert_cmpint (item->starts_at, ==, NOW + 9 * DAY - 365 * DAY);
  g_assert_cmpint (item->state, ==, PV_EXPIRY_DUE_SOON);
  g_assert_nonnull (strstr (item->label, "pva_AbC123"));

  actions = pv_overview_next_actions (G_LIST_MODEL (tenants), NULL, NOW);
  g_assert_cmpuint (actions->len, ==, 1);
  action = g_ptr_array_index (actions, 0);
  g_assert_cmpint (action->action, ==, PV_ACTION_RENEW_KEY);
  g_assert_cmpstr (action->title, ==, "Renew Provisio's admin API key for Acme Corp");
  g_assert_nonnull (strstr (action->subtitle, "expires in 9 days"));
}

static void
test_key_ok_is_no_action (void)
{
  g_autoptr(GListStore) tenants = g_list_store_new (PV_TYPE_TENANT_INFO);
  g_autoptr(PvTenantInfo) tenant = tenant_with_key (NOW + 200 * DAY, "ok");
  g_autoptr(GPtrArray) actions = NULL;

  g_list_store_append (tenants, tenant);
  actions = pv_overview_next_actions (G_LIST_MODEL (tenants), NULL, NOW);
  g_assert_cmpuint (actions->len, ==, 0);
}

static void
test_key_reminders (void)
{
  g_autoptr(PvTenantInfo) tenant = tenant_with_key (NOW + 9 * DAY, "due-soon");
  g_autoptr(PvTenantInfo) expired = tenant_with_key (NOW - DAY, "expired");
  g_autoptr(GKeyFile) sent = g_key_file_new ();
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) later = NULL;
  PvExpiryPolicy policy;
  PvDueReminder *r;

  pv_expiry_policy_init_default (&policy);
  due = pv_reminders_due_for_tenant (tenant, &policy, NOW, sent);
  g_assert_cmpuint (due->len, ==, 1);
  r = g_ptr_array_index (due, 0);
  g_assert_cmpstr (r->key, ==, "acme/admin-key/key_AAAAAAAAAAAA");
  g_assert_cmpint (r->threshold, ==, 14);
  g_assert_null (r->kind);
  g_assert_cmpstr (r->title, ==, "Provisio's admin API key for Acme Corp expires in 9 days");
  g_assert_nonnull (strstr (r->body, "rotate-key"));
  pv_reminders_mark_sent (sent, r);

  /* Once per threshold */
  again = pv_reminders_due_for_tenant (tenant, &policy, NOW + DAY, sent);
  g_assert_cmpuint (again->len, ==, 0);
  later = pv_reminders_due_for_tenant (tenant, &policy, NOW + 3 * DAY, sent);
  g_assert_cmpuint (later->len, ==, 1);
  g_assert_cmpint (((PvDueReminder *) g_ptr_array_index (later, 0))->threshold, ==, 7);

  /* Expired: what to do is a new key from the tenant's owner. */
  g_clear_pointer (&due, g_ptr_array_unref);
  due = pv_reminders_due_for_tenant (expired, &policy, NOW, sent);
  g_assert_cmpuint (due->len, ==, 1);
  r = g_ptr_array_index (due, 0);
  g_assert_cmpint (r->state, ==, PV_EXPIRY_EXPIRED);
  g_assert_nonnull (strstr (r->body, "tenant's owner"));
}

static void
test_sign_in_lapse (void)
{
  g_autoptr(GKeyFile) sent = g_key_file_new ();
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) unknown = NULL;
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GPtrArray) lapsed = NULL;
  PvExpiryPolicy policy;
  PvDueReminder *r;

  pv_expiry_policy_init_default (&policy);
  /* Used today: lapses in 90 days, nothing to say. */
  none = pv_reminders_due_for_sign_in (NOW + 90 * DAY, "admin@contoso.example", &policy, NOW, sent);
  g_assert_cmpuint (none->len, ==, 0);
  unknown = pv_reminders_due_for_sign_in (0, NULL, &policy, NOW, sent);
  g_assert_cmpuint (unknown->len, ==, 0);

  /* Unused for 80 days: 10 days left. */
  due = pv_reminders_due_for_sign_in (NOW + 10 * DAY, "admin@contoso.example", &policy, NOW, sent);
  g_assert_cmpuint (due->len, ==, 1);
  r = g_ptr_array_index (due, 0);
  g_assert_null (r->tenant);
  g_assert_cmpint (r->threshold, ==, 14);
  g_assert_cmpstr (r->title, ==, "The Microsoft sign-in of admin@contoso.example expires in 10 days");
  g_assert_nonnull (strstr (r->body, "90 days"));
  pv_reminders_mark_sent (sent, r);
  again = pv_reminders_due_for_sign_in (NOW + 10 * DAY, "admin@contoso.example", &policy, NOW + DAY, sent);
  g_assert_cmpuint (again->len, ==, 0);

  /* A schedule of a year: only its thresholds under the 90 days count. */
  {
    PvExpiryPolicy year;
    g_autoptr(GPtrArray) used = NULL;
    g_autoptr(GPtrArray) idle = NULL;

    pv_expiry_policy_init_default (&year);
    g_assert_true (pv_expiry_policy_parse (&year, "365,30", NULL));
    used = pv_reminders_due_for_sign_in (NOW + 89 * DAY, NULL, &year, NOW, sent);
    g_assert_cmpuint (used->len, ==, 0);
    idle = pv_reminders_due_for_sign_in (NOW + 29 * DAY, NULL, &year, NOW, sent);
    g_assert_cmpuint (idle->len, ==, 1);
    g_assert_cmpint (((PvDueReminder *) g_ptr_array_index (idle, 0))->threshold, ==, 30);
  }

  lapsed = pv_reminders_due_for_sign_in (NOW + 10 * DAY, NULL, &policy, NOW + 11 * DAY, sent);
  g_assert_cmpuint (lapsed->len, ==, 1);
  g_assert_cmpint (((PvDueReminder *) g_ptr_array_index (lapsed, 0))->state, ==, PV_EXPIRY_EXPIRED);
}

/* What provisioctl remind computes (pv_reminders_collect_full()) beyond the
 * tenants: the Microsoft sign-in by the app's schedule unless the
 * preferences set one, and the SAML certificates of the last import. */
static void
test_collect_sign_in_and_saml (void)
{
  g_autoptr(PvTenantList) tenants = pv_tenant_list_new (NULL);
  g_autoptr(GKeyFile) sent = g_key_file_new ();
  g_autoptr(GListStore) saml = g_list_store_new (PV_TYPE_TENANT_INFO);
  g_autoptr(GPtrArray) apps = NULL;
  g_autoptr(GPtrArray) infos = NULL;
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GPtrArray) overridden = NULL;
  g_autoptr(GPtrArray) signed_out = NULL;
  g_autoptr(GPtrArray) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *expires = pv_time_format (NOW + 5 * DAY);
  g_autofree char *data = g_strdup_printf ("[saml 11111111-aaaa]\nname=HR SSO\nthumbprint=AB12\n"
                                           "subject=CN=HR\nnot-after=%s\n", expires);
  PvExpiryPolicy three;
  PvDueReminder *r;

  apps = pv_entra_saml_apps_from_data (data, strlen (data), &error);
  g_assert_no_error (error);
  infos = pv_entra_saml_apps_new_infos (apps);
  g_assert_cmpuint (infos->len, ==, 1);
  g_list_store_splice (saml, 0, 0, infos->pdata, infos->len);

  /* The default schedule: the sign-in 10 days from lapsing crossed 14, the
   * certificate 5 days from expiring crossed 7. */
  due = pv_reminders_collect_full (tenants, NOW + 10 * DAY, "admin@contoso.example", G_LIST_MODEL (saml), NULL,
                                   NOW, sent);
  g_assert_cmpuint (due->len, ==, 2);
  r = g_ptr_array_index (due, 0);
  g_assert_cmpint (r->threshold, ==, 14);
  g_assert_cmpstr (r->title, ==, "The Microsoft sign-in of admin@contoso.example expires in 10 days");
  r = g_ptr_array_index (due, 1);
  g_assert_cmpint (r->threshold, ==, 7);
  g_assert_nonnull (strstr (r->title, "HR SSO"));

  /* The preferences' 3 days for everything: neither is due yet. */
  pv_expiry_policy_init_default (&three);
  g_assert_true (pv_expiry_policy_parse (&three, "3", NULL));
  overridden = pv_reminders_collect_full (tenants, NOW + 10 * DAY, "admin@contoso.example", G_LIST_MODEL (saml),
                                          &three, NOW, sent);
  g_assert_cmpuint (overridden->len, ==, 0);

  /* No sign-in, no import: nothing. */
  signed_out = pv_reminders_collect_full (tenants, 0, NULL, NULL, NULL, NOW, sent);
  g_assert_cmpuint (signed_out->len, ==, 0);

  /* Sent once: not again at the same thresholds. */
  for (guint i = 0; i < due->len; i++)
    pv_reminders_mark_sent (sent, g_ptr_array_index (due, i));
  again = pv_reminders_collect_full (tenants, NOW + 10 * DAY, "admin@contoso.example", G_LIST_MODEL (saml), NULL,
                                     NOW + DAY, sent);
  g_assert_cmpuint (again->len, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/reminders/key-in-overview", test_key_in_overview);
  g_test_add_func ("/reminders/key-ok-is-no-action", test_key_ok_is_no_action);
  g_test_add_func ("/reminders/key", test_key_reminders);
  g_test_add_func ("/reminders/sign-in-lapse", test_sign_in_lapse);
  g_test_add_func ("/reminders/collect-sign-in-and-saml", test_collect_sign_in_and_saml);
  return g_test_run ();
}
