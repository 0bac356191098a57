/* pv-overview.c: what the dashboard shows, computed from the tenants
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-overview"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-connection-info.h"
#include "pv-guide.h"
#include "pv-dates.h"
#include "pv-overview.h"
#include "pv-sso-info.h"
#include "pv-token-info.h"

/* The dashboard's content as plain data, so that it is tested without a
 * display and the app, its accessible text and its tests agree: one bar per
 * token that is not deleted and per SSO certificate; one next action per
 * connection or certificate that needs the admin, most pressing first. */

/* Items and actions are shared: the dashboard keeps each tenant's until
 * that tenant changes, and shows them in arrays of all tenants'. */

static void
overview_item_clear (PvOverviewItem *item)
{
  g_clear_object (&item->tenant);
  g_free (item->kind);
  g_free (item->token_id);
  g_free (item->label);
  g_free (item->key_id);
}

static PvOverviewItem *
overview_item_new (void)
{
  return g_rc_box_new0 (PvOverviewItem);
}

/**
 * pv_overview_item_ref:
 *
 * Returns: (transfer full): @item
 */
PvOverviewItem *
pv_overview_item_ref (PvOverviewItem *item)
{
  return g_rc_box_acquire (item);
}

/**
 * pv_overview_item_unref:
 */
void
pv_overview_item_unref (PvOverviewItem *item)
{
  g_rc_box_release_full (item, (GDestroyNotify) overview_item_clear);
}

static void
next_action_clear (PvNextAction *action)
{
  g_clear_object (&action->tenant);
  g_free (action->kind);
  g_free (action->title);
  g_free (action->subtitle);
}

/**
 * pv_next_action_ref:
 *
 * Returns: (transfer full): @action
 */
PvNextAction *
pv_next_action_ref (PvNextAction *action)
{
  return g_rc_box_acquire (action);
}

/**
 * pv_next_action_unref:
 */
void
pv_next_action_unref (PvNextAction *action)
{
  g_rc_box_release_full (action, (GDestroyNotify) next_action_clear);
}

static const char *
tenant_name (PvTenantInfo *tenant)
{
  const char *name = pv_tenant_info_get_name (tenant);

  return name ? name : pv_tenant_info_get_id (tenant);
}

static const PvExpiryPolicy *
policy_of (PvTenantInfo         *tenant,
           const PvExpiryPolicy *override)
{
  return override != NULL ? override : pv_tenant_info_get_policy (tenant);
}

/**
 * pv_overview_token_is_retiring:
 * @connection: the token's connection
 * @token: one of its tokens
 *
 * A token is being retired when a newer token of its connection has been
 * used and the identity provider's last request did not use it: the
 * tenant retires it by itself (docs/provisiod.md), so its expiry no
 * longer stops anything.  That holds too while the identity provider has
 * only read with the newer one (the tenant then keeps the old one until
 * the newer one provisions, pv_overview_describe_switch()): the newer
 * token works, and the old one is no problem of the admin's.  It is shown as such, counts for nothing in the
 * tenant's state and is not reminded of.  Until the new token is used, or
 * while the identity provider still uses the old one (it tested the new
 * token but did not save it), the old one counts.
 *
 * Returns: whether @token is being retired
 */
gboolean
pv_overview_token_is_retiring (PvConnectionInfo *connection,
                               PvTokenInfo      *token)
{
  GListModel *tokens = pv_connection_info_get_tokens (connection);

  if (g_strcmp0 (pv_connection_info_get_in_use_token_id (connection), pv_token_info_get_id (token)) == 0)
    return FALSE;
  /* Newest first: only the newer ones can replace it. */
  for (guint i = 0; i < g_list_model_get_n_items (tokens); i++)
    {
      g_autoptr(PvTokenInfo) other = g_list_model_get_item (tokens, i);

      if (other == token)
        return FALSE;
      if (pv_token_info_get_last_used_at (other) != 0)
        return TRUE;
    }
  return FALSE;
}

/**
 * pv_overview_token_state:
 * @tenant: the token's tenant
 * @override: (nullable): the thresholds of the preferences, or %NULL for
 *   the tenant's own schedule
 * @expires_at: the expiry of a token or certificate
 * @now: our clock, seconds since the epoch
 *
 * The state to show, computed when shown from the expiry and the tenant's
 * clock (pv_tenant_info_get_now()), never the one fetched: a token that
 * expired since the last fetch is expired.
 *
 * Returns: the state at @now
 */
PvExpiryState
pv_overview_token_state (PvTenantInfo         *tenant,
                         const PvExpiryPolicy *override,
                         gint64                expires_at,
                         gint64                now)
{
  return pv_expiry_state (policy_of (tenant, override), expires_at, pv_tenant_info_get_now (tenant, now));
}

/**
 * pv_overview_token_info_state:
 * @tenant: the token's tenant
 * @override: (nullable): as for pv_overview_token_state()
 * @token: one of its tokens
 * @now: our clock
 *
 * The state to show of @token: its expiry's (pv_overview_token_state()),
 * and urgent at least when its vendor refused it at the last check
 * (pv_token_info_get_rejected()): provisioning has stopped.
 *
 * Returns: the state at @now
 */
PvExpiryState
pv_overview_token_info_state (PvTenantInfo         *tenant,
                              const PvExpiryPolicy *override,
                              PvTokenInfo          *token,
                              gint64                now)
{
  return pv_expiry_state_refused (pv_overview_token_state (tenant, override,
                                                          pv_token_info_get_expires_at (token), now),
                                  pv_token_info_get_rejected (token));
}

/* Provisio's own access: the admin API key it holds for the tenant. */
static void
add_key_item (GPtrArray            *items,
              PvTenantInfo         *tenant,
              const PvExpiryPolicy *override,
              gint64                now)
{
  const char *id, *prefix;
  gint64 created_at, expires_at;
  PvOverviewItem *item;

  pv_tenant_info_get_key (tenant, &id, &prefix, &created_at, &expires_at);

  if (id == NULL || expires_at == 0)
    return;
  item = overview_item_new ();
  item->tenant = g_object_ref (tenant);
  item->key_id = g_strdup (id);
  /* Translators: a bar of the timeline: tenant · the admin API key's prefix */
  item->label = g_strdup_printf (_("%s · admin API key %s"), tenant_name (tenant), prefix ? prefix : "");
  item->starts_at = created_at;
  item->expires_at = expires_at;
  item->state = pv_overview_token_state (tenant, override, expires_at, now);
  g_ptr_array_add (items, item);
}

static void
append_tenant_items (GPtrArray            *items,
                     PvTenantInfo         *tenant,
                     const PvExpiryPolicy *override,
                     gint64                now)
{
  GListModel *connections = pv_tenant_info_get_connections (tenant);
  PvSsoInfo *sso = pv_tenant_info_get_sso (tenant);

  /* Provisio's own access first: without it, nothing else is seen. */
  add_key_item (items, tenant, override, now);
  for (guint c = 0; c < g_list_model_get_n_items (connections); c++)
    {
      g_autoptr(PvConnectionInfo) connection = g_list_model_get_item (connections, c);
      GListModel *tokens = pv_connection_info_get_tokens (connection);
      const char *kind = pv_connection_info_get_kind (connection);

      for (guint t = 0; t < g_list_model_get_n_items (tokens); t++)
        {
          g_autoptr(PvTokenInfo) token = g_list_model_get_item (tokens, t);
          PvOverviewItem *item = overview_item_new ();

          item->tenant = g_object_ref (tenant);
          item->kind = g_strdup (kind);
          item->token_id = g_strdup (pv_token_info_get_id (token));
          /* Translators: a bar of the timeline: tenant · app · token prefix */
          item->label = g_strdup_printf (_("%s · %s · %s"), tenant_name (tenant), pv_guide_app_name (kind),
                                         pv_token_info_get_prefix (token));
          item->starts_at = pv_token_info_get_created_at (token);
          item->expires_at = pv_token_info_get_expires_at (token);
          item->state = pv_overview_token_info_state (tenant, override, token, now);
          item->in_use = g_strcmp0 (pv_connection_info_get_in_use_token_id (connection), item->token_id) == 0;
          item->retiring = pv_overview_token_is_retiring (connection, token);
          g_ptr_array_add (items, item);
        }
    }
  if (pv_sso_info_get_configured (sso) && pv_sso_info_get_certificate_not_after (sso) > 0)
    {
      PvOverviewItem *item = overview_item_new ();

      item->tenant = g_object_ref (tenant);
      /* Translators: a bar of the timeline: tenant · SSO signing certificate */
      item->label = g_strdup_printf (_("%s · SSO certificate"), tenant_name (tenant));
      item->expires_at = pv_sso_info_get_certificate_not_after (sso);
      item->state = pv_overview_token_state (tenant, override, item->expires_at, now);
      g_ptr_array_add (items, item);
    }
}

/**
 * pv_overview_tenant_items:
 * @tenant: a tenant
 * @override: (nullable): as for pv_overview_items()
 * @now: our clock
 *
 * The bars of one tenant, as pv_overview_items() gives them: the
 * dashboard keeps them until the tenant changes or
 * pv_overview_tenant_changes_at().
 *
 * Returns: (transfer full) (element-type PvOverviewItem): its bars
 */
GPtrArray *
pv_overview_tenant_items (PvTenantInfo         *tenant,
                          const PvExpiryPolicy *override,
                          gint64                now)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_overview_item_unref);

  append_tenant_items (items, tenant, override, now);
  return items;
}

/**
 * pv_overview_items:
 * @tenants: a list of #PvTenantInfo
 * @override: (nullable): the thresholds of the preferences, or %NULL for
 *   each tenant's own schedule
 * @now: our clock; each tenant's expiries are judged by its own
 *
 * Returns: (transfer full) (element-type PvOverviewItem): the timeline's
 *   bars, tenant by tenant: the admin API key, then connection by
 *   connection, newest token first, then the SSO certificate
 */
GPtrArray *
pv_overview_items (GListModel           *tenants,
                   const PvExpiryPolicy *override,
                   gint64                now)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_overview_item_unref);

  for (guint i = 0; i < g_list_model_get_n_items (tenants); i++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (tenants, i);

      append_tenant_items (items, tenant, override, now);
    }
  return items;
}

/**
 * pv_overview_state_label:
 * @state: a token's state, computed now
 * @retiring: whether a newer token in use replaces it
 *   (pv_overview_token_is_retiring())
 *
 * Returns: the state in words: a token that a newer one in use replaces
 *   is "Being retired" (the tenant retires it by itself), or "Replaced"
 *   once it has expired; neither is a problem
 */
const char *
pv_overview_state_label (PvExpiryState state,
                         gboolean      retiring)
{
  if (!retiring)
    return pv_expiry_state_to_label (state);
  /* Translators: the state of an old token that a newer one in use replaces */
  return state == PV_EXPIRY_EXPIRED ? C_("token", "Replaced") : _("Being retired");
}

/**
 * pv_overview_item_state_label:
 *
 * Returns: the item's state in words (pv_overview_state_label())
 */
const char *
pv_overview_item_state_label (const PvOverviewItem *item)
{
  return pv_overview_state_label (item->state, item->retiring);
}

/**
 * pv_overview_tenant_state:
 * @override: (nullable): the thresholds of the preferences, or %NULL
 * @now: our clock
 *
 * What the sidebar and the counts say of a tenant: the most pressing
 * state of its tokens and SSO certificate, computed now, leaving out the
 * tokens being retired (pv_overview_token_is_retiring()).
 *
 * Returns: the tenant's state at @now
 */
PvExpiryState
pv_overview_tenant_state (PvTenantInfo         *tenant,
                          const PvExpiryPolicy *override,
                          gint64                now)
{
  g_autoptr(GPtrArray) items = pv_overview_tenant_items (tenant, override, now);
  PvExpiryState state = PV_EXPIRY_OK;

  for (guint i = 0; i < items->len; i++)
    {
      PvOverviewItem *item = g_ptr_array_index (items, i);

      if (!item->retiring)
        state = MAX (state, item->state);
    }
  return state;
}

/* The token @newest replaces, if the connection still has it. */
static PvTokenInfo *
find_replaced (GListModel  *tokens,
               PvTokenInfo *newest)
{
  for (guint i = 0; i < g_list_model_get_n_items (tokens); i++)
    {
      g_autoptr(PvTokenInfo) token = g_list_model_get_item (tokens, i);

      if (g_strcmp0 (pv_token_info_get_replaced_by (token), pv_token_info_get_id (newest)) == 0)
        return g_steal_pointer (&token);
    }
  return NULL;
}

/**
 * pv_overview_describe_switch:
 * @connection: a connection in the middle of a renewal
 *
 * Which of the tokens the identity provider used last, in words, for the
 * renew assistant's wait and the next actions: the one thing that tells
 * a test of the new token from its use.  When the identity provider used
 * the new token last but the tenant has not started retiring the old one,
 * it only read with the new one (a test, docs/provisiod.md): the old one
 * stays until the identity provider changes a user or group with the new
 * one, which in a quiet directory may take a while, and is harmless.
 *
 * Returns: (transfer full) (nullable): the sentence, or %NULL if the
 *   connection has a single token or the identity provider made no request
 */
char *
pv_overview_describe_switch (PvConnectionInfo *connection)
{
  GListModel *tokens = pv_connection_info_get_tokens (connection);
  const char *in_use = pv_connection_info_get_in_use_token_id (connection);
  const char *idp = pv_guide_provider_name (pv_connection_info_get_identity_provider (connection) ?
                                            pv_connection_info_get_identity_provider (connection) : "entra");
  g_autoptr(PvTokenInfo) newest = NULL;
  g_autoptr(PvTokenInfo) old = NULL;

  if (g_list_model_get_n_items (tokens) < 2 || in_use == NULL)
    return NULL;
  newest = g_list_model_get_item (tokens, 0);
  old = find_replaced (tokens, newest);
  if (g_strcmp0 (in_use, pv_token_info_get_id (newest)) == 0 && old != NULL &&
      pv_token_info_get_retires_at (old) == 0 &&
      g_strcmp0 (pv_token_info_get_retire (old), "on-first-use") == 0)
    /* Translators: %s is the identity provider ("Microsoft Entra ID"), twice */
    return g_strdup_printf (_("%s tested the new token; the old one stays until %s provisions with the "
                              "new one (its next change of a user or group)"), idp, idp);
  if (g_strcmp0 (in_use, pv_token_info_get_id (newest)) == 0)
    /* Translators: %s is the identity provider ("Microsoft Entra ID") */
    return g_strdup_printf (_("%s provisions with the new token; the old one retires by itself "
                              "once it has gone unused for two cycles"), idp);
  if (pv_token_info_get_last_used_at (newest) != 0)
    /* Translators: %s is the identity provider ("Microsoft Entra ID"), twice */
    return g_strdup_printf (_("%s tested the new token but still provisions with the old one: save it in %s"),
                            idp, idp);
  /* Translators: %s is the identity provider ("Microsoft Entra ID") */
  return g_strdup_printf (_("%s still provisions with the old token and has not used the new one yet"), idp);
}

static gint
compare_actions (gconstpointer a,
                 gconstpointer b)
{
  const PvNextAction *x = *(PvNextAction **) a;
  const PvNextAction *y = *(PvNextAction **) b;

  /* A tenant that cannot be asked first: nothing is known of it. */
  if ((x->action == PV_ACTION_RECONNECT) != (y->action == PV_ACTION_RECONNECT))
    return x->action == PV_ACTION_RECONNECT ? -1 : 1;
  if (x->state != y->state)
    return y->state - x->state;
  if (x->expires_at != y->expires_at)
    return (x->expires_at > y->expires_at) - (x->expires_at < y->expires_at);
  /* The same order at every refresh: g_ptr_array_sort is not stable. */
  return g_strcmp0 (x->title, y->title);
}

static PvNextAction *
next_action_new (PvActionKind  kind_of_action,
                 PvTenantInfo *tenant,
                 const char   *kind,
                 PvExpiryState state,
                 gint64        expires_at)
{
  PvNextAction *action = g_rc_box_new0 (PvNextAction);

  action->action = kind_of_action;
  action->tenant = g_object_ref (tenant);
  action->kind = g_strdup (kind);
  action->state = state;
  action->expires_at = expires_at;
  return action;
}

static void
add_key_action (GPtrArray            *actions,
                PvTenantInfo         *tenant,
                const PvExpiryPolicy *override,
                gint64                now)
{
  const char *prefix;
  gint64 expires_at;
  PvExpiryState state;
  g_autofree char *left = NULL;
  g_autofree char *date = NULL;
  PvNextAction *action;

  pv_tenant_info_get_key (tenant, NULL, &prefix, NULL, &expires_at);
  state = pv_overview_token_state (tenant, override, expires_at, now);
  if (expires_at == 0 || state == PV_EXPIRY_OK)
    return;
  left = pv_format_days_left (expires_at, pv_tenant_info_get_now (tenant, now));
  date = pv_format_date (expires_at);
  action = next_action_new (PV_ACTION_RENEW_KEY, tenant, NULL, state, expires_at);
  /* Translators: %s is a tenant's name */
  action->title = g_strdup_printf (_("Renew Provisio's admin API key for %s"), tenant_name (tenant));
  if (state == PV_EXPIRY_EXPIRED)
    /* Translators: a key prefix, "expired 3 days ago" and a date */
    action->subtitle = g_strdup_printf (_("Key %s… %s (%s); ask the tenant's owner for a new key"),
                                        prefix, left, date);
  else
    /* Translators: a key prefix, "expires in 9 days" and a date */
    action->subtitle = g_strdup_printf (_("Key %s… %s (%s); Provisio stops seeing the tenant then"),
                                        prefix, left, date);
  g_ptr_array_add (actions, action);
}

static void
append_tenant_actions (GPtrArray            *actions,
                       PvTenantInfo         *tenant,
                       const PvExpiryPolicy *override,
                       gint64                now)
{
  GListModel *connections = pv_tenant_info_get_connections (tenant);
  PvSsoInfo *sso = pv_tenant_info_get_sso (tenant);
  const GError *error = pv_tenant_info_get_error (tenant);
  const char *name = tenant_name (tenant);
  gint64 tenant_now = pv_tenant_info_get_now (tenant, now);

  if (error != NULL)
    {
      PvNextAction *action = next_action_new (PV_ACTION_RECONNECT, tenant, NULL, PV_EXPIRY_EXPIRED, 0);

      /* Translators: %s is a tenant's name */
      action->title = g_strdup_printf (_("Check the connection to %s"), name);
      action->subtitle = g_strdup (error->message);
      g_ptr_array_add (actions, action);
    }

  for (guint c = 0; c < g_list_model_get_n_items (connections); c++)
    {
      g_autoptr(PvConnectionInfo) connection = g_list_model_get_item (connections, c);
      GListModel *tokens = pv_connection_info_get_tokens (connection);
      const char *kind = pv_connection_info_get_kind (connection);
      const char *app = pv_guide_app_name (kind);
      g_autoptr(PvTokenInfo) newest = NULL;
      PvExpiryState state;
      PvNextAction *action;
      g_autofree char *left = NULL;
      g_autofree char *date = NULL;

      /* Newest first: the one that counts. */
      if (g_list_model_get_n_items (tokens) > 0)
        newest = g_list_model_get_item (tokens, 0);
      if (newest == NULL && pv_connection_info_get_expiry_unknown (connection))
        {
          /* In use, but nobody has told when it stops */
          action = next_action_new (PV_ACTION_SET_EXPIRY, tenant, kind, PV_EXPIRY_DUE_SOON, 0);
          /* Translators: %s is "Users" or "Persons", then an app's name */
          action->title = g_strdup_printf (_("Set when the %s token of %s expires"), app, name);
          action->subtitle = g_strdup (_("Its expiry is unknown until you set it: no reminder can come before"));
          g_ptr_array_add (actions, action);
          continue;
        }
      if (newest == NULL)
        {
          /* Never set up: nothing stops, nothing to remind of. */
          if (pv_connection_info_get_identity_provider (connection) == NULL)
            continue;
          action = next_action_new (PV_ACTION_RENEW, tenant, kind, PV_EXPIRY_EXPIRED, 0);
          /* Translators: %s is "Users" or "Persons", then a tenant's name */
          action->title = g_strdup_printf (_("Issue a %s token for %s"), app, name);
          action->subtitle = g_strdup (_("The connection has no token: provisioning stopped"));
          g_ptr_array_add (actions, action);
          continue;
        }

      left = pv_format_days_left (pv_token_info_get_expires_at (newest), tenant_now);
      date = pv_format_date (pv_token_info_get_expires_at (newest));
      state = pv_overview_token_info_state (tenant, override, newest, now);
      if (pv_token_info_get_last_used_at (newest) != 0 && g_list_model_get_n_items (tokens) > 1 &&
          pv_connection_info_get_in_use_token_id (connection) != NULL &&
          g_strcmp0 (pv_connection_info_get_in_use_token_id (connection), pv_token_info_get_id (newest)) != 0)
        {
          /* Tested, not saved: the identity provider went back to the old token. */
          action = next_action_new (PV_ACTION_FINISH_RENEWAL, tenant, kind, MAX (PV_EXPIRY_DUE_SOON, state),
                                    pv_token_info_get_expires_at (newest));
          /* Translators: %s is "Users" or "Persons", then a tenant's name */
          action->title = g_strdup_printf (_("Save the new %s token of %s in the identity provider"),
                                           app, name);
          action->subtitle = pv_overview_describe_switch (connection);
          g_ptr_array_add (actions, action);
          continue;
        }
      if (pv_token_info_get_last_used_at (newest) == 0)
        {
          action = next_action_new (PV_ACTION_FINISH_RENEWAL, tenant, kind,
                                    MAX (PV_EXPIRY_DUE_SOON, state),
                                    pv_token_info_get_expires_at (newest));
          /* Translators: %s is "Users" or "Persons", then a tenant's name */
          action->title = g_strdup_printf (_("Paste the new %s token of %s into the identity provider"),
                                           app, name);
          if (g_list_model_get_n_items (tokens) > 1)
            /* Translators: %s is a token prefix */
            action->subtitle = g_strdup_printf (_("Token %s… waits for its first use; the old one keeps working until then"),
                                                pv_token_info_get_prefix (newest));
          else
            /* Translators: %s is a token prefix */
            action->subtitle = g_strdup_printf (_("Token %s… waits for its first use"),
                                                pv_token_info_get_prefix (newest));
          g_ptr_array_add (actions, action);
          continue;
        }
      if (state == PV_EXPIRY_OK)
        continue;
      action = next_action_new (PV_ACTION_RENEW, tenant, kind, state,
                                pv_token_info_get_expires_at (newest));
      /* Translators: %s is "Users" or "Persons", then a tenant's name */
      action->title = g_strdup_printf (_("Renew the %s token of %s"), app, name);
      if (pv_token_info_get_rejected (newest) && pv_token_info_get_expires_at (newest) > tenant_now)
        action->subtitle = g_strdup (_("Refused by the vendor at the last check: provisioning has stopped"));
      else
        /* Translators: a token prefix, "expires in 9 days" and a date */
        action->subtitle = g_strdup_printf (_("Token %s… %s (%s)"), pv_token_info_get_prefix (newest),
                                            left, date);
      g_ptr_array_add (actions, action);
    }

  if (pv_sso_info_get_configured (sso) && pv_sso_info_get_certificate_not_after (sso) > 0 &&
      pv_overview_token_state (tenant, override, pv_sso_info_get_certificate_not_after (sso), now) != PV_EXPIRY_OK)
    {
      gint64 not_after = pv_sso_info_get_certificate_not_after (sso);
      g_autofree char *left = pv_format_days_left (not_after, tenant_now);
      g_autofree char *date = pv_format_date (not_after);
      PvNextAction *action = next_action_new (PV_ACTION_RENEW_CERTIFICATE, tenant, NULL,
                                              pv_overview_token_state (tenant, override, not_after, now),
                                              not_after);

      /* Translators: %s is a tenant's name */
      action->title = g_strdup_printf (_("Renew the SSO signing certificate of %s"), name);
      /* Translators: "expires in 9 days" and a date */
      action->subtitle = g_strdup_printf (_("The identity provider's certificate %s (%s)"), left, date);
      g_ptr_array_add (actions, action);
    }
  add_key_action (actions, tenant, override, now);
}

/**
 * pv_overview_tenant_actions:
 * @tenant: a tenant
 * @override: (nullable): as for pv_overview_next_actions()
 * @now: our clock
 *
 * The next actions of one tenant, in no particular order: the dashboard
 * keeps them until the tenant changes or pv_overview_tenant_changes_at(),
 * and sorts all tenants' with pv_overview_sort_actions().
 *
 * Returns: (transfer full) (element-type PvNextAction): its actions
 */
GPtrArray *
pv_overview_tenant_actions (PvTenantInfo         *tenant,
                            const PvExpiryPolicy *override,
                            gint64                now)
{
  GPtrArray *actions = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_next_action_unref);

  append_tenant_actions (actions, tenant, override, now);
  return actions;
}

/**
 * pv_overview_tenant_changes_at:
 * @tenant: a tenant
 * @now: our clock
 *
 * What pv_overview_tenant_items() and pv_overview_tenant_actions() say of
 * a tenant changes with time only where the days left to (or since) one
 * of its expiries change (pv_expiry_next_change()): the states and the
 * words "expires in N days" follow them.
 *
 * Returns: the next such moment after @now, in our clock; %G_MAXINT64 if
 *   nothing of the tenant expires
 */
gint64
pv_overview_tenant_changes_at (PvTenantInfo *tenant,
                               gint64        now)
{
  GListModel *connections = pv_tenant_info_get_connections (tenant);
  PvSsoInfo *sso = pv_tenant_info_get_sso (tenant);
  gint64 tenant_now = pv_tenant_info_get_now (tenant, now);
  gint64 soonest = G_MAXINT64;
  gint64 key_expires_at = 0;

  /* In the tenant's clock, where its expiries are judged */
#define CONSIDER(expires_at) \
  G_STMT_START { if ((expires_at) != 0) \
    soonest = MIN (soonest, pv_expiry_next_change ((expires_at), tenant_now)); } G_STMT_END
  pv_tenant_info_get_key (tenant, NULL, NULL, NULL, &key_expires_at);
  CONSIDER (key_expires_at);
  for (guint c = 0; c < g_list_model_get_n_items (connections); c++)
    {
      g_autoptr(PvConnectionInfo) connection = g_list_model_get_item (connections, c);
      GListModel *tokens = pv_connection_info_get_tokens (connection);

      for (guint t = 0; t < g_list_model_get_n_items (tokens); t++)
        {
          g_autoptr(PvTokenInfo) token = g_list_model_get_item (tokens, t);

          CONSIDER (pv_token_info_get_expires_at (token));
        }
    }
  if (pv_sso_info_get_configured (sso))
    CONSIDER (pv_sso_info_get_certificate_not_after (sso));
#undef CONSIDER
  return soonest == G_MAXINT64 ? soonest : now + (soonest - tenant_now);
}

/**
 * pv_overview_sort_actions:
 * @actions: (element-type PvNextAction): next actions
 *
 * Sorts @actions most pressing first, as pv_overview_next_actions() gives
 * them (the same order at every refresh).
 */
void
pv_overview_sort_actions (GPtrArray *actions)
{
  g_ptr_array_sort (actions, compare_actions);
}

/**
 * pv_overview_next_actions:
 * @tenants: a list of #PvTenantInfo
 * @override: (nullable): the thresholds of the preferences, or %NULL for
 *   each tenant's own schedule
 * @now: our clock; each tenant's expiries are judged by its own
 *
 * What the admin should do, most pressing first: a connection whose newest
 * token needs renewing (or that has none), a new token the identity
 * provider has not used yet, an SSO certificate that expires, a tenant that
 * cannot be asked.
 *
 * Returns: (transfer full) (element-type PvNextAction): the actions
 */
GPtrArray *
pv_overview_next_actions (GListModel           *tenants,
                          const PvExpiryPolicy *override,
                          gint64                now)
{
  GPtrArray *actions = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_next_action_unref);

  for (guint i = 0; i < g_list_model_get_n_items (tenants); i++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (tenants, i);

      append_tenant_actions (actions, tenant, override, now);
    }
  pv_overview_sort_actions (actions);
  return actions;
}

/**
 * pv_next_action_group:
 *
 * Returns: the overview's group of @action
 */
PvActionGroup
pv_next_action_group (const PvNextAction *action)
{
  if (action->action == PV_ACTION_RECONNECT)
    return PV_ACTION_GROUP_UNREACHABLE;
  if (action->action == PV_ACTION_FINISH_RENEWAL)
    return PV_ACTION_GROUP_WAITING;
  switch (action->state)
    {
    case PV_EXPIRY_EXPIRED:
      return PV_ACTION_GROUP_EXPIRED;
    case PV_EXPIRY_URGENT:
      return PV_ACTION_GROUP_URGENT;
    case PV_EXPIRY_DUE_SOON:
    case PV_EXPIRY_OK:
    default:
      return PV_ACTION_GROUP_DUE_SOON;
    }
}

/**
 * pv_action_group_to_label:
 *
 * Returns: the group's heading, translated
 */
const char *
pv_action_group_to_label (PvActionGroup group)
{
  switch (group)
    {
    case PV_ACTION_GROUP_EXPIRED:
      return _("Expired");
    case PV_ACTION_GROUP_URGENT:
      return _("Urgent");
    case PV_ACTION_GROUP_DUE_SOON:
      return _("Due Soon");
    case PV_ACTION_GROUP_WAITING:
      return _("Waiting for the Identity Provider");
    case PV_ACTION_GROUP_UNREACHABLE:
    case PV_N_ACTION_GROUPS:
    default:
      return _("Could Not Be Asked");
    }
}

static gint
compare_expiries (gconstpointer a,
                  gconstpointer b)
{
  const PvOverviewItem *x = *(PvOverviewItem **) a;
  const PvOverviewItem *y = *(PvOverviewItem **) b;
  /* A bar that does not expire goes last. */
  gint64 ex = x->expires_at ? x->expires_at : G_MAXINT64;
  gint64 ey = y->expires_at ? y->expires_at : G_MAXINT64;

  if (ex != ey)
    return (ex > ey) - (ex < ey);
  return g_strcmp0 (x->label, y->label);
}

/**
 * pv_overview_sort_by_expiry:
 * @items: (element-type PvOverviewItem): from pv_overview_items()
 *
 * Sorts @items soonest expiry first (the same order at every refresh).
 */
void
pv_overview_sort_by_expiry (GPtrArray *items)
{
  g_ptr_array_sort (items, compare_expiries);
}

/**
 * pv_overview_describe:
 * @items: (element-type PvOverviewItem): from pv_overview_items()
 *
 * Returns: (transfer full): the timeline in words, for screen readers
 */
char *
pv_overview_describe (GPtrArray *items,
                      gint64     now)
{
  GString *s = g_string_new (NULL);

  if (items->len == 0)
    return g_strdup (_("No tokens yet"));
  for (guint i = 0; i < items->len; i++)
    {
      PvOverviewItem *item = g_ptr_array_index (items, i);
      g_autofree char *left = pv_format_days_left (item->expires_at, now);

      /* Translators: a timeline bar in words: its label, "expires in 9 days", its state */
      g_string_append_printf (s, _("%s %s, %s."), item->label, left, pv_overview_item_state_label (item));
      if (i + 1 < items->len)
        g_string_append_c (s, ' ');
    }
  return g_string_free (s, FALSE);
}
