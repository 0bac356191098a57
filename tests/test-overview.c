/* test-overview.c: the dashboard's states, computed when shown
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A tenant's state as the management API answered it at one moment, then
 * judged at another: what an app left open, or opened offline a week
 * later, must show.  No display, no network.
 */

#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "pv-dates.h"
#include "pv-overview.h"
#include "pv-reminders.h"
#include "pv-search.h"
#include "pv-tenant-info.h"
#include "pv-time.h"

#define DAY PV_SECONDS_PER_DAY

static const gint64 FETCHED = 1795000000; /* 2026-11-18, when the tenant was asked */

typedef struct {
  const char *id;
  gint64      created_at;
  gint64      expires_at;
  gint64      last_used_at;   /* 0: never */
  const char *state;          /* as the tenant said at FETCHED */
  gint64      retires_at;     /* 0: its retirement has not started */
} Token;

static char *
time_or_null (gint64 when)
{
  g_autofree char *text = NULL;

  if (when == 0)
    return g_strdup ("null");
  text = pv_time_format (when);
  return g_strdup_printf ("\"%s\"", text);
}

/* The tenant's answers at FETCHED: one Entra users connection with @tokens
 * (newest first), the last request with @in_use, the clock @skew. */
static PvTenantInfo *
tenant_new (const Token *tokens,
            guint        n_tokens,
            const char  *in_use,
            gint64       skew)
{
  PvProfile profile = { (char *) "acme", (char *) "https://acme.example", NULL, FALSE };
  PvTenantInfo *tenant = pv_tenant_info_new (&profile);
  g_autoptr(GString) list = g_string_new (NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  for (guint i = 0; i < n_tokens; i++)
    {
      g_autofree char *created = time_or_null (tokens[i].created_at);
      g_autofree char *expires = time_or_null (tokens[i].expires_at);
      g_autofree char *used = time_or_null (tokens[i].last_used_at);
      g_autofree char *retires = time_or_null (tokens[i].retires_at);
      /* Newest first: each older token is replaced by the one before it. */
      g_autofree char *replaced_by = i ? g_strdup_printf ("\"%s\"", tokens[i - 1].id) : g_strdup ("null");

      g_string_append_printf (list, "%s{\"id\": \"%s\", \"prefix\": \"pvs_%s\", \"description\": \"\","
                              " \"created_by\": \"alice\", \"created_at\": %s, \"expires_at\": %s,"
                              " \"last_used_at\": %s, \"state\": \"%s\", \"replaced_by\": %s,"
                              " \"retire\": %s, \"retires_at\": %s}",
                              i ? ", " : "", tokens[i].id, tokens[i].id, created, expires, used,
                              tokens[i].state, replaced_by, i ? "\"on-first-use\"" : "null", retires);
    }
  json = g_strdup_printf ("{\"clock_skew\": %" G_GINT64_FORMAT ","
                          " \"tenant\": {\"name\": \"Acme\", \"api_key\": {\"id\": \"key_AAAAAAAAAAAA\","
                          " \"prefix\": \"pva_AbC123\", \"owner\": \"alice\", \"created_at\": null,"
                          " \"expires_at\": null}},"
                          " \"provisioning\": {\"connections\": [{\"kind\": \"users\","
                          " \"identity_provider\": \"entra\", \"scim_base_url\": \"https://acme.example/scim\","
                          " \"last_request_at\": null, \"last_request_token_id\": %s%s%s,"
                          " \"tokens\": [%s], \"deleted_tokens\": []}]}}",
                          skew, in_use ? "\"" : "", in_use ? in_use : "null", in_use ? "\"" : "", list->str);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  g_assert_true (pv_tenant_info_update_from_json (tenant, json_node_get_object (json_parser_get_root (parser)),
                                                  &error));
  g_assert_no_error (error);
  return tenant;
}

static GListModel *
one (PvTenantInfo *tenant)
{
  GListStore *store = g_list_store_new (PV_TYPE_TENANT_INFO);

  g_list_store_append (store, tenant);
  return G_LIST_MODEL (store);
}

/* Left open, or opened offline, a week after the last fetch: the token
 * that expired meanwhile is expired, first in the next actions, and
 * reminded of, although the tenant said "urgent". */
static void
test_expired_since_fetch (void)
{
  Token tokens[] = { { "a", FETCHED - 362 * DAY, FETCHED + 3 * DAY, FETCHED - 3600, "urgent" } };
  g_autoptr(PvTenantInfo) tenant = tenant_new (tokens, 1, "a", 0);
  g_autoptr(GListModel) tenants = one (tenant);
  gint64 week_later = FETCHED + 7 * DAY;
  g_autoptr(GPtrArray) items = pv_overview_items (tenants, NULL, week_later);
  g_autoptr(GPtrArray) actions = pv_overview_next_actions (tenants, NULL, week_later);
  g_autoptr(GKeyFile) sent = g_key_file_new ();
  g_autoptr(GPtrArray) due = pv_reminders_due_for_tenant (tenant, pv_tenant_info_get_policy (tenant),
                                                          week_later, sent);
  PvNextAction *action;

  g_assert_cmpint (pv_tenant_info_get_state (tenant), ==, PV_EXPIRY_OK); /* no reminders part fetched */
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_cmpint (((PvOverviewItem *) items->pdata[0])->state, ==, PV_EXPIRY_EXPIRED);
  g_assert_cmpint (pv_overview_tenant_state (tenant, NULL, week_later), ==, PV_EXPIRY_EXPIRED);
  g_assert_cmpint (pv_overview_tenant_state (tenant, NULL, FETCHED), ==, PV_EXPIRY_URGENT);
  g_assert_cmpuint (actions->len, ==, 1);
  action = actions->pdata[0];
  g_assert_cmpint (action->action, ==, PV_ACTION_RENEW);
  g_assert_cmpint (action->state, ==, PV_EXPIRY_EXPIRED);
  g_assert_nonnull (strstr (action->subtitle, "expired 4 days ago"));
  g_assert_cmpuint (due->len, ==, 1);
  g_assert_cmpint (((PvDueReminder *) due->pdata[0])->state, ==, PV_EXPIRY_EXPIRED);
}

/* Judged by the tenant's clock: two hours ahead of ours, a token that
 * expires in an hour by our clock has expired by the tenant's. */
static void
test_clock_skew (void)
{
  Token tokens[] = { { "a", FETCHED - 300 * DAY, FETCHED + 3600, FETCHED - 60, "urgent" } };
  g_autoptr(PvTenantInfo) ahead = tenant_new (tokens, 1, "a", 7200);
  g_autoptr(PvTenantInfo) same = tenant_new (tokens, 1, "a", 0);

  g_assert_cmpint (pv_tenant_info_get_now (ahead, FETCHED), ==, FETCHED + 7200);
  g_assert_cmpint (pv_overview_tenant_state (ahead, NULL, FETCHED), ==, PV_EXPIRY_EXPIRED);
  g_assert_cmpint (pv_overview_tenant_state (same, NULL, FETCHED), ==, PV_EXPIRY_URGENT);
}

/* One rule for "N days": a page shown a moment later says the same. */
static void
test_days_wording (void)
{
  const struct { gint64 offset; const char *text; } cases[] = {
    { -(6 * DAY + 3600), "expires in 7 days" },
    { -DAY, "expires in 1 day" },
    { -1, "expires in 1 day" },
    { 0, "expired today" },
    { DAY - 1, "expired today" },
    { DAY, "expired 1 day ago" },
    { 3 * DAY, "expired 3 days ago" },
    { 3 * DAY + 1, "expired 3 days ago" },
    { 4 * DAY - 1, "expired 3 days ago" },
    { 4 * DAY, "expired 4 days ago" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = pv_format_days_left (FETCHED, FETCHED + cases[i].offset);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* The preferences' thresholds change the colours and the actions, not
 * only the reminders. */
static void
test_override (void)
{
  Token tokens[] = { { "a", FETCHED - 345 * DAY, FETCHED + 20 * DAY, FETCHED - 60, "due-soon" } };
  g_autoptr(PvTenantInfo) tenant = tenant_new (tokens, 1, "a", 0);
  g_autoptr(GListModel) tenants = one (tenant);
  PvExpiryPolicy override = { 0 };
  g_autoptr(GPtrArray) with_own = pv_overview_next_actions (tenants, NULL, FETCHED);
  g_autoptr(GPtrArray) with_override = NULL;
  g_autoptr(GPtrArray) items = NULL;

  g_assert_true (pv_expiry_policy_parse (&override, "14,3", NULL));
  with_override = pv_overview_next_actions (tenants, &override, FETCHED);
  items = pv_overview_items (tenants, &override, FETCHED);
  g_assert_cmpuint (with_own->len, ==, 1);
  g_assert_cmpint (((PvNextAction *) with_own->pdata[0])->state, ==, PV_EXPIRY_DUE_SOON);
  g_assert_cmpuint (with_override->len, ==, 0);
  g_assert_cmpint (((PvOverviewItem *) items->pdata[0])->state, ==, PV_EXPIRY_OK);
  g_assert_cmpint (pv_overview_tenant_state (tenant, &override, FETCHED), ==, PV_EXPIRY_OK);
  g_assert_cmpint (pv_overview_tenant_state (tenant, &override, FETCHED + 10 * DAY), ==, PV_EXPIRY_DUE_SOON);
}

/* After a renewal: the expired token that the new one in use replaces is
 * being retired; it does not make the tenant "Expired" nor is it reminded of. */
static void
test_retiring_not_expired (void)
{
  Token tokens[] = {
    { "new", FETCHED - DAY, FETCHED + 364 * DAY, FETCHED - 600, "ok" },
    { "old", FETCHED - 368 * DAY, FETCHED - 3 * DAY, FETCHED - 4 * DAY, "expired" },
  };
  g_autoptr(PvTenantInfo) tenant = tenant_new (tokens, 2, "new", 0);
  g_autoptr(GListModel) tenants = one (tenant);
  g_autoptr(GPtrArray) items = pv_overview_items (tenants, NULL, FETCHED);
  g_autoptr(GPtrArray) actions = pv_overview_next_actions (tenants, NULL, FETCHED);
  g_autoptr(GKeyFile) sent = g_key_file_new ();
  g_autoptr(GPtrArray) due = pv_reminders_due_for_tenant (tenant, pv_tenant_info_get_policy (tenant),
                                                          FETCHED, sent);
  PvOverviewItem *old;

  g_assert_cmpuint (items->len, ==, 2);
  old = items->pdata[1];
  g_assert_cmpstr (old->token_id, ==, "old");
  g_assert_true (old->retiring);
  g_assert_false (((PvOverviewItem *) items->pdata[0])->retiring);
  g_assert_cmpstr (pv_overview_item_state_label (old), ==, "Replaced");   /* expired, and replaced */
  g_assert_cmpint (pv_overview_tenant_state (tenant, NULL, FETCHED), ==, PV_EXPIRY_OK);
  g_assert_cmpuint (actions->len, ==, 0);
  g_assert_cmpuint (due->len, ==, 0);
}

/* Renewed before expiry: the old token, urgent by its expiry, is being
 * retired once the new one is in use, and makes nothing urgent. */
static void
test_retiring_before_expiry (void)
{
  Token tokens[] = {
    { "new", FETCHED - 7200, FETCHED + 365 * DAY, FETCHED - 600, "ok" },
    { "old", FETCHED - 360 * DAY, FETCHED + 5 * DAY, FETCHED - 3000, "urgent", FETCHED - 600 + 4800 },
  };
  g_autoptr(PvTenantInfo) tenant = tenant_new (tokens, 2, "new", 0);
  g_autoptr(GListModel) tenants = one (tenant);
  g_autoptr(GPtrArray) items = pv_overview_items (tenants, NULL, FETCHED);
  PvOverviewItem *old = items->pdata[1];
  g_autofree char *words = pv_overview_describe_switch (pv_tenant_info_get_connection (tenant, "users"));

  g_assert_true (old->retiring);
  g_assert_cmpint (old->state, ==, PV_EXPIRY_URGENT);
  g_assert_cmpstr (pv_overview_item_state_label (old), ==, "Being retired");
  g_assert_cmpint (pv_overview_tenant_state (tenant, NULL, FETCHED), ==, PV_EXPIRY_OK);
  g_assert_cmpstr (words, ==, "Microsoft Entra ID provisions with the new token; the old one retires by itself "
                              "once it has gone unused for two cycles");
}

/* The identity provider only read with the new token (a test, or a saved
 * token in a quiet directory): the tenant keeps the old one until the
 * identity provider changes something with the new one.  Neither token is
 * a problem: the old one, urgent by its expiry, makes nothing urgent, no
 * action asks for anything, and the words say what the tenant waits for
 * rather than that the old one retires. */
static void
test_tested_only (void)
{
  Token tokens[] = {
    { "new", FETCHED - 3 * DAY, FETCHED + 362 * DAY, FETCHED - 2 * DAY, "ok" },
    { "old", FETCHED - 360 * DAY, FETCHED + 5 * DAY, FETCHED - 3 * DAY, "urgent" },
  };
  g_autoptr(PvTenantInfo) tenant = tenant_new (tokens, 2, "new", 0);
  g_autoptr(GListModel) tenants = one (tenant);
  g_autoptr(GPtrArray) items = pv_overview_items (tenants, NULL, FETCHED);
  g_autoptr(GPtrArray) actions = pv_overview_next_actions (tenants, NULL, FETCHED);
  g_autoptr(GKeyFile) sent = g_key_file_new ();
  g_autoptr(GPtrArray) due = pv_reminders_due_for_tenant (tenant, pv_tenant_info_get_policy (tenant),
                                                          FETCHED, sent);
  g_autofree char *words = pv_overview_describe_switch (pv_tenant_info_get_connection (tenant, "users"));

  g_assert_true (((PvOverviewItem *) items->pdata[1])->retiring);
  g_assert_cmpint (pv_overview_tenant_state (tenant, NULL, FETCHED), ==, PV_EXPIRY_OK);
  g_assert_cmpuint (actions->len, ==, 0);
  g_assert_cmpuint (due->len, ==, 0);
  g_assert_cmpstr (words, ==, "Microsoft Entra ID tested the new token; the old one stays until Microsoft "
                              "Entra ID provisions with the new one (its next change of a user or group)");
}

/* Before the new token is used, the old expired one still counts: the
 * identity provider has nothing that works. */
static void
test_not_retiring_before_use (void)
{
  Token tokens[] = {
    { "new", FETCHED - 60, FETCHED + 365 * DAY, 0, "ok" },
    { "old", FETCHED - 368 * DAY, FETCHED - 3 * DAY, FETCHED - 4 * DAY, "expired" },
  };
  g_autoptr(PvTenantInfo) tenant = tenant_new (tokens, 2, "old", 0);
  g_autoptr(GListModel) tenants = one (tenant);
  g_autoptr(GPtrArray) items = pv_overview_items (tenants, NULL, FETCHED);

  g_assert_false (((PvOverviewItem *) items->pdata[1])->retiring);
  g_assert_cmpint (pv_overview_tenant_state (tenant, NULL, FETCHED), ==, PV_EXPIRY_EXPIRED);
}

/* Tested, not saved: the identity provider used the new token once and
 * went back to the old one.  The old one counts, and the action says so. */
static void
test_tested_not_saved (void)
{
  Token tokens[] = {
    { "new", FETCHED - 7200, FETCHED + 365 * DAY, FETCHED - 7000, "ok" },
    { "old", FETCHED - 355 * DAY, FETCHED + 10 * DAY, FETCHED - 600, "due-soon" },
  };
  g_autoptr(PvTenantInfo) tenant = tenant_new (tokens, 2, "old", 0);
  g_autoptr(GListModel) tenants = one (tenant);
  g_autoptr(GPtrArray) items = pv_overview_items (tenants, NULL, FETCHED);
  g_autoptr(GPtrArray) actions = pv_overview_next_actions (tenants, NULL, FETCHED);
  PvConnectionInfo *connection = pv_tenant_info_get_connection (tenant, "users");
  g_autofree char *words = pv_overview_describe_switch (connection);
  PvNextAction *action;

  g_assert_false (((PvOverviewItem *) items->pdata[1])->retiring);
  g_assert_cmpstr (words, ==, "Microsoft Entra ID tested the new token but still provisions with the old one: "
                              "save it in Microsoft Entra ID");
  g_assert_cmpuint (actions->len, ==, 1);
  action = actions->pdata[0];
  g_assert_cmpint (action->action, ==, PV_ACTION_FINISH_RENEWAL);
  g_assert_cmpstr (action->subtitle, ==, words);
}

/* The search: every word somewhere, case folded, a part of a word
 * enough; by name, id, address, account and the apps provisioned. */
static void
test_search (void)
{
  Token tokens[] = { { "a", FETCHED - 300 * DAY, FETCHED + 60 * DAY, FETCHED - 60, "ok" } };
  g_autoptr(PvTenantInfo) tenant = tenant_new (tokens, 1, "a", 0);
  const struct { const char *query; gboolean found; } cases[] = {
    { "acm", TRUE },            /* three letters of the name */
    { "ACME", TRUE },           /* case folded */
    { "example", TRUE },        /* the address */
    { "alice", TRUE },          /* the key's account */
    { "users", TRUE },          /* an app it provisions */
    { "persons", FALSE },       /* one it does not */
    { "acme users", TRUE },     /* every word somewhere */
    { "acme persons", FALSE },
    { "  ", TRUE },             /* nothing typed: everything */
    { "globex", FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(GStrv) words = pv_search_prepare (cases[i].query);

      g_assert_cmpint (pv_search_tenant_matches (tenant, (const char * const *) words), ==, cases[i].found);
    }
  {
    /* Any kind of entry matches by its own fields, case folded as
     * Unicode says: "STRASSE" finds "Hauptstraße". */
    const char *fields[] = { "Hauptstraße GmbH", "https://hs.example", NULL };
    g_auto(GStrv) words = pv_search_prepare ("STRASSE gmbh");
    g_auto(GStrv) other = pv_search_prepare ("strasse ag");

    g_assert_true (pv_search_matches ((const char * const *) words, fields));
    g_assert_false (pv_search_matches ((const char * const *) other, fields));
  }
}

/* The overview's groups, in their order: expired, urgent, due soon,
 * waiting for the identity provider, could not be asked; and the
 * timeline's order: soonest expiry first. */
static void
test_groups_and_order (void)
{
  Token tokens[] = {
    { "new", FETCHED - DAY, FETCHED + 364 * DAY, 0, "ok" },
    { "old", FETCHED - 360 * DAY, FETCHED + 5 * DAY, FETCHED - 60, "urgent" },
  };
  g_autoptr(PvTenantInfo) tenant = tenant_new (tokens, 2, "old", 0);
  g_autoptr(GListModel) tenants = one (tenant);
  g_autoptr(GPtrArray) actions = pv_overview_next_actions (tenants, NULL, FETCHED);
  g_autoptr(GPtrArray) items = pv_overview_items (tenants, NULL, FETCHED);
  PvNextAction reconnect = { PV_ACTION_RECONNECT, tenant, NULL, NULL, NULL, PV_EXPIRY_EXPIRED, 0 };
  PvNextAction renew = { PV_ACTION_RENEW, tenant, (char *) "users", NULL, NULL, PV_EXPIRY_URGENT, 0 };

  /* The new token waits for its first use */
  g_assert_cmpuint (actions->len, ==, 1);
  g_assert_cmpint (pv_next_action_group (actions->pdata[0]), ==, PV_ACTION_GROUP_WAITING);
  g_assert_cmpint (pv_next_action_group (&reconnect), ==, PV_ACTION_GROUP_UNREACHABLE);
  g_assert_cmpint (pv_next_action_group (&renew), ==, PV_ACTION_GROUP_URGENT);
  renew.state = PV_EXPIRY_EXPIRED;
  g_assert_cmpint (pv_next_action_group (&renew), ==, PV_ACTION_GROUP_EXPIRED);
  renew.state = PV_EXPIRY_DUE_SOON;
  g_assert_cmpint (pv_next_action_group (&renew), ==, PV_ACTION_GROUP_DUE_SOON);

  /* Newest first from the tenant; soonest expiry first on the timeline */
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpint (((PvOverviewItem *) items->pdata[0])->expires_at, ==, FETCHED + 364 * DAY);
  pv_overview_sort_by_expiry (items);
  g_assert_cmpint (((PvOverviewItem *) items->pdata[0])->expires_at, ==, FETCHED + 5 * DAY);
}

/* What the dashboard keeps per tenant holds until
 * pv_overview_tenant_changes_at(), and not a second longer: the wording
 * and the states at every second before it are those computed at the
 * start, and at that moment something has changed.  By the tenant's
 * clock, two hours ahead here. */
static char *
tenant_said (PvTenantInfo *tenant,
             gint64        now)
{
  g_autoptr(GPtrArray) items = pv_overview_tenant_items (tenant, NULL, now);
  g_autoptr(GPtrArray) actions = pv_overview_tenant_actions (tenant, NULL, now);
  GString *said = g_string_new (NULL);

  for (guint i = 0; i < items->len; i++)
    g_string_append_printf (said, "%s %d\n", ((PvOverviewItem *) items->pdata[i])->label,
                            ((PvOverviewItem *) items->pdata[i])->state);
  pv_overview_sort_actions (actions);
  for (guint i = 0; i < actions->len; i++)
    g_string_append_printf (said, "%s: %s %d\n", ((PvNextAction *) actions->pdata[i])->title,
                            ((PvNextAction *) actions->pdata[i])->subtitle, ((PvNextAction *) actions->pdata[i])->state);
  return g_string_free (said, FALSE);
}

static void
test_tenant_changes_at (void)
{
  Token tokens[] = { { "b", FETCHED - 10 * DAY, FETCHED + 3 * DAY + 5000, FETCHED - 60, "urgent" },
                     { "a", FETCHED - 300 * DAY, FETCHED + 40 * DAY + 777, FETCHED - 3600, "ok" } };
  g_autoptr(PvTenantInfo) tenant = tenant_new (tokens, 2, "b", 7200);
  g_autoptr(GListModel) tenants = one (tenant);
  gint64 now = FETCHED;
  guint changes = 0;

  /* One tenant's items and actions are what the list of it gives */
  {
    g_autoptr(GPtrArray) all = pv_overview_next_actions (tenants, NULL, now);
    g_autoptr(GPtrArray) mine = pv_overview_tenant_actions (tenant, NULL, now);
    g_autoptr(GPtrArray) items = pv_overview_items (tenants, NULL, now);
    g_autoptr(GPtrArray) my_items = pv_overview_tenant_items (tenant, NULL, now);
    PvOverviewItem *kept = pv_overview_item_ref (my_items->pdata[0]);

    g_assert_cmpuint (all->len, ==, mine->len);
    g_assert_cmpuint (items->len, ==, my_items->len);
    g_assert_cmpstr (((PvOverviewItem *) items->pdata[0])->label, ==, kept->label);
    /* Shared: alive as long as one holds it */
    g_clear_pointer (&my_items, g_ptr_array_unref);
    g_assert_cmpstr (kept->label, ==, ((PvOverviewItem *) items->pdata[0])->label);
    pv_overview_item_unref (kept);
  }

  /* Through several days: nothing changes between two predicted moments
   * (a prediction may be early: the OK token's days change unseen), and
   * pvs_b's wording changes at each of its own, daily. */
  for (guint step = 0; step < 8; step++)
    {
      gint64 until = pv_overview_tenant_changes_at (tenant, now);
      g_autofree char *before = tenant_said (tenant, now);
      g_autofree char *last = tenant_said (tenant, until - 1);
      g_autofree char *after = tenant_said (tenant, until);

      g_assert_cmpint (until, >, now);
      g_assert_cmpint (until, <=, now + DAY);
      g_assert_cmpstr (before, ==, last);
      changes += g_strcmp0 (before, after) != 0;
      now = until;
    }
  g_assert_cmpuint (changes, ==, 4);
  /* Nothing that expires (no token yet, a key without expiry): nothing
   * changes with time. */
  {
    g_autoptr(PvTenantInfo) forever = tenant_new (NULL, 0, NULL, 0);

    g_assert_cmpint (pv_overview_tenant_changes_at (forever, FETCHED), ==, G_MAXINT64);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/overview/expired-since-fetch", test_expired_since_fetch);
  g_test_add_func ("/overview/clock-skew", test_clock_skew);
  g_test_add_func ("/overview/days-wording", test_days_wording);
  g_test_add_func ("/overview/override", test_override);
  g_test_add_func ("/overview/retiring-not-expired", test_retiring_not_expired);
  g_test_add_func ("/overview/retiring-before-expiry", test_retiring_before_expiry);
  g_test_add_func ("/overview/not-retiring-before-use", test_not_retiring_before_use);
  g_test_add_func ("/overview/tested-not-saved", test_tested_not_saved);
  g_test_add_func ("/overview/tested-only", test_tested_only);
  g_test_add_func ("/overview/search", test_search);
  g_test_add_func ("/overview/groups-and-order", test_groups_and_order);
  g_test_add_func ("/overview/tenant-changes-at", test_tenant_changes_at);
  return g_test_run ();
}
