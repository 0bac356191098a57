/* tokens.c: provisioctl renew, setup, revoke and events: a connection's
 * tokens
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisioctl-tokens"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <stdio.h>

#include "pv-connection-info.h"
#include "pv-event-info.h"
#include "pv-event-watch.h"
#include "pv-guide.h"
#include "pv-json-read.h"
#include "pv-json.h"
#include "pv-renewal.h"
#include "pv-tenant-info.h"
#include "pv-time.h"
#include "pv-token-info.h"
#include "common.h"
#include "entra.h"
#include "tokens.h"

static gboolean opt_force;
static char *opt_retire;
static gboolean opt_replace_unused;
static char *opt_description;
static char *opt_idp;
static gboolean opt_no_wait;
static gboolean opt_entra;

const GOptionEntry setup_entries[] = {
  { "idp", 0, 0, G_OPTION_ARG_STRING, &opt_idp, N_("The identity provider: entra (default) or okta"), N_("IDP") },
  { "no-wait", 0, 0, G_OPTION_ARG_NONE, &opt_no_wait,
    N_("Do not wait for the identity provider's first request"), NULL },
  { NULL }
};

const GOptionEntry renew_entries[] = {
  { "retire", 0, 0, G_OPTION_ARG_STRING, &opt_retire,
    N_("What becomes of the old token: on-first-use (default), now or never"), N_("WHEN") },
  { "description", 0, 0, G_OPTION_ARG_STRING, &opt_description,
    N_("A note kept with the new token"), N_("TEXT") },
  { "entra", 0, 0, G_OPTION_ARG_NONE, &opt_entra,
    N_("Then give the token to the linked Entra app through Microsoft Graph"), NULL },
  { "replace-unused", 0, 0, G_OPTION_ARG_NONE, &opt_replace_unused,
    N_("If the connection already has a replacement that was never used, replace it"), NULL },
  { NULL }
};

const GOptionEntry revoke_entries[] = {
  { "force", 0, 0, G_OPTION_ARG_NONE, &opt_force,
    N_("Even the token the identity provider still uses"), NULL },
  { NULL }
};

/* Drives @renewal's issue (pv_renewal_issue()) to its end: issued, or
 * back at the start with its error and, if the tenant refused, why. */
static gboolean
issue_with (PvRenewal  *renewal,
            const char *idp,
            const char *replace_unused)
{
  pv_renewal_issue (renewal, idp, replace_unused);
  while (pv_renewal_get_step (renewal) == PV_RENEWAL_ISSUING)
    g_main_context_iteration (NULL, TRUE);
  return pv_renewal_get_step (renewal) == PV_RENEWAL_ISSUED;
}

/* renew TENANT KIND: the secret alone on standard output, once. */
static int
renew (GFile      *file,
       const char *id,
       const char *kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autoptr(PvRenewal) renewal = NULL;
  const PvIssuedToken *issued;
  g_autofree char *unused = NULL;
  g_autofree char *expires_at = NULL;

  if (!kind_is_valid (kind))
    return 2;
  if (opt_retire && !g_strv_contains ((const char *[]) { "on-first-use", "now", "never", NULL }, opt_retire))
    {
      g_printerr (_("provisioctl: --retire is on-first-use, now or never\n"));
      return 2;
    }
  if (!(client = client_for (file, id, &error)))
    goto fail;

  /* One intent, with its own Idempotency-Key (PvRenewal keeps it). */
  renewal = pv_renewal_new (client, id, kind, FALSE, NULL);
  pv_renewal_set_retire (renewal, opt_retire ? opt_retire : "on-first-use");
  pv_renewal_set_description (renewal, opt_description ? opt_description : "");
  if (!issue_with (renewal, NULL, NULL) && pv_renewal_get_refusal (renewal) != NULL &&
      pv_issue_refusal_can_replace (pv_renewal_get_refusal (renewal)))
    {
      const PvIssueRefusal *refusal = pv_renewal_get_refusal (renewal);
      g_autofree char *why = pv_issue_refusal_describe (refusal);

      g_printerr ("provisioctl: %s\n", why);
      if (!opt_replace_unused)
        {
          g_printerr (_("Run again with --replace-unused to replace %s (%s…) with a new token.\n"),
                      pv_token_info_get_id (refusal->token), pv_token_info_get_prefix (refusal->token));
          return 1;
        }
      g_printerr (_("Replacing %s (%s…) before first use (--replace-unused).\n"),
                  pv_token_info_get_id (refusal->token), pv_token_info_get_prefix (refusal->token));
      unused = g_strdup (pv_token_info_get_id (refusal->token));
      issue_with (renewal, NULL, unused);
    }
  issued = pv_renewal_get_issued (renewal);
  if (issued == NULL && pv_renewal_get_refusal (renewal) != NULL)
    {
      g_autofree char *why = pv_issue_refusal_describe (pv_renewal_get_refusal (renewal));

      g_printerr ("provisioctl: %s\n", why);
      return 1;
    }
  if (issued == NULL)
    {
      g_printerr ("provisioctl: %s\n", pv_renewal_get_error (renewal)->message);
      return 1;
    }

  expires_at = pv_time_format (pv_token_info_get_expires_at (issued->token));
  g_printerr (_("New %s token %s… of %s, expires %s.\n"), kind, pv_token_info_get_prefix (issued->token), id,
              expires_at);
  g_printerr (_("Paste it as the secret token of the identity provider's app for %s, with the tenant URL %s\n"),
              g_str_equal (kind, "users") ? _("Users") : _("Persons"), issued->scim_base_url);
  if (issued->replaces != NULL)
    g_printerr (_("The token it replaces (%s) retires: %s.\n"), issued->replaces, issued->retire);
  g_print ("%s\n", issued->secret);
  fflush (stdout);
  if (opt_entra)
    return entra_hand_over (id, kind, renewal, NULL) ? 0 : 1;
  return 0;

fail:
  g_printerr ("provisioctl: %s\n", error->message);
  return 1;
}

/* revoke NAME KIND ID: through the core, as the app's token row revokes;
 * then the token as the deleted list now shows it. */
static int
revoke_token (GFile      *file,
              const char *id,
              const char *kind,
              const char *token_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autoptr(GAsyncResult) revoked = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(PvConnectionInfo) connection = pv_connection_info_new ();
  g_autofree char *path = g_strdup_printf ("/api/v1/provisioning/%s", kind);
  GListModel *deleted;

  if (!kind_is_valid (kind))
    return 2;
  if (!(client = client_for (file, id, &error)))
    return fail (error);
  pv_tokens_revoke_async (client, kind, token_id, opt_force, NULL, got_result_cb, &revoked);
  if (!pv_tokens_revoke_finish (wait_for (&revoked), &error))
    return fail (error);

  if (!(answer = call (client, "GET", path, &error)) ||
      !pv_connection_info_update_from_json (connection, answer, &error))
    return fail (error);
  deleted = pv_connection_info_get_deleted_tokens (connection);
  for (guint i = 0; i < g_list_model_get_n_items (deleted); i++)
    {
      g_autoptr(PvTokenInfo) token = g_list_model_get_item (deleted, i);
      g_autofree char *expires_at = NULL;

      if (g_strcmp0 (pv_token_info_get_id (token), token_id) != 0)
        continue;
      expires_at = pv_time_format (pv_token_info_get_expires_at (token));
      g_print (_("Revoked %s (%s…); listed as deleted until %s\n"), token_id, pv_token_info_get_prefix (token),
               expires_at);
      return 0;
    }
  pv_json_invalid (&error, "deleted_tokens");
  return fail (error);
}

/* events TENANT KIND: the recent events, newest first, through the core
 * (pv_event_list_async()); --json prints them as the tenant sent them. */
static int
events (GFile      *file,
        const char *id,
        const char *kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autoptr(GAsyncResult) listed = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonNode) json = NULL;

  if (!kind_is_valid (kind))
    return 2;
  if (!(client = client_for (file, id, &error)))
    return fail (error);
  pv_event_list_async (client, kind, 50, NULL, got_result_cb, &listed);
  if (!(items = pv_event_list_finish (wait_for (&listed), &json, &error)))
    return fail (error);
  if (opt_json)
    {
      g_autofree char *text = json_to_string (json, TRUE);

      g_print ("%s\n", text);
      return 0;
    }
  for (guint i = 0; i < items->len; i++)
    {
      PvEventInfo *e = g_ptr_array_index (items, i);
      g_autofree char *at = pv_time_format (pv_event_info_get_at (e));
      const char *prefix = pv_event_info_get_token_prefix (e);
      const char *operation = pv_event_info_get_operation (e);
      const char *detail = pv_event_info_get_detail (e);

      g_print ("%s  %-16s %-12s %-28s %s\n", at, pv_event_info_get_event_type (e), prefix ? prefix : "",
               operation ? operation : "", detail ? detail : "");
    }
  return 0;
}

/* setup: a connection's first token, the identity provider's steps, and
 * the wait for its first request */

/* The setups left midway, which the app keeps too (PvSetups) */
static PvSetups *
load_setups (void)
{
  g_autoptr(GFile) file = pv_setups_default_file ();
  g_autoptr(PvSetups) setups = pv_setups_new (file);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  /* Unreadable: as the app, as if none were left midway */
  pv_setups_load_async (setups, NULL, got_result_cb, &result);
  if (!pv_setups_load_finish (setups, wait_for (&result), &error))
    g_debug ("No setups left midway: %s", error->message);
  return g_steal_pointer (&setups);
}

/* On disk before the process ends, for the app or the next setup */
static void
save_setups (PvSetups *setups)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  pv_setups_save_async (setups, NULL, got_result_cb, &result);
  if (!pv_setups_save_finish (setups, wait_for (&result), &error))
    g_printerr (_("provisioctl: could not keep the setup in progress: %s\n"), error->message);
}

/* The identity provider's steps with the tenant URL and the token, shown
 * this once, the attribute mappings and what to check. */
static gboolean
print_setup_steps (const char           *idp,
                   const char           *kind,
                   const char           *name,
                   const PvIssuedToken  *issued,
                   GError              **error)
{
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) verify = NULL;
  const PvAttributeMapping *mappings;
  guint n_mappings;

  steps = pv_guide_steps (idp, "setup", kind, name, issued->scim_base_url, error);
  if (steps == NULL)
    return FALSE;
  /* Translators: the heading of provisioctl setup: "Users" or "Persons", the tenant, the identity provider */
  g_print (_("Setting up the %s app of %s in %s\n\n"), pv_guide_app_name (kind), name, pv_guide_provider_name (idp));
  for (guint i = 0; i < steps->len; i++)
    {
      PvGuideStep *step = g_ptr_array_index (steps, i);

      g_print ("%u. %s\n   %s\n", i + 1, step->title, step->detail);
      for (guint f = 0; step->fields[f]; f++)
        {
          if (g_str_equal (step->fields[f], "tenant-url"))
            g_print ("   %s: %s\n", _("Tenant URL"), issued->scim_base_url);
          else if (g_str_equal (step->fields[f], "secret-token"))
            /* Shown this once: the tenant keeps only its digest. */
            g_print ("   %s: %s\n", _("Secret token"), issued->secret);
        }
      if (step->link != NULL)
        g_print ("   %s\n", step->link);
      g_print ("\n");
    }
  mappings = pv_guide_mappings (idp, &n_mappings);
  g_print ("%s\n", _("Attribute mappings (identity provider → tenant):"));
  for (guint i = 0; i < n_mappings; i++)
    g_print ("  %-34s → %s%s%s%s\n", mappings[i].source, mappings[i].target,
             mappings[i].note ? " (" : "", mappings[i].note ? _(mappings[i].note) : "", mappings[i].note ? ")" : "");
  verify = pv_guide_steps (idp, "verify", kind, name, issued->scim_base_url, NULL);
  if (verify != NULL)
    {
      /* Translators: %s is the identity provider */
      g_print ("\n");
      g_print (_("To check in %s:\n"), pv_guide_provider_name (idp));
      for (guint i = 0; i < verify->len; i++)
        {
          PvGuideStep *step = g_ptr_array_index (verify, i);

          g_print ("  - %s: %s\n", step->title, step->detail);
        }
    }
  fflush (stdout);
  return TRUE;
}

static int
setup (GFile      *file,
       const char *id,
       const char *kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PvClient) client = NULL;
  g_autoptr(PvTenantInfo) info = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(PvRenewal) renewal = NULL;
  g_autoptr(PvSetups) setups = NULL;
  g_autoptr(PvTokenInfo) only = NULL;
  g_autofree char *idp_left = NULL;
  g_autofree char *token_left = NULL;
  GListModel *tokens;
  PvConnectionInfo *connection;
  const char *idp = opt_idp ? opt_idp : "entra";
  const char *app = pv_guide_app_name (kind);
  const char *name;
  PvProfile profile = { (char *) id, NULL };

  if (!kind_is_valid (kind))
    return 2;
  if (!g_str_equal (idp, "entra") && !g_str_equal (idp, "okta"))
    {
      g_printerr (_("provisioctl: --idp is entra or okta\n"));
      return 2;
    }
  if (!(client = client_for (file, id, &error)))
    return fail (error);

  profile.base_url = (char *) pv_client_get_base_url (client);
  info = pv_tenant_info_new (&profile);
  pv_tenant_info_refresh_async (info, client, NULL, got_result_cb, &result);
  if (!pv_tenant_info_refresh_finish (info, wait_for (&result), &error))
    return fail (error);
  connection = pv_tenant_info_get_connection (info, kind);
  name = pv_tenant_info_get_name (info) ? pv_tenant_info_get_name (info) : id;
  if (connection == NULL)
    {
      g_printerr (_("provisioctl: %s has no %s connection\n"), id, kind);
      return 1;
    }
  setups = load_setups ();
  renewal = pv_renewal_new (client, id, kind, TRUE, setups);
  tokens = pv_connection_info_get_tokens (connection);
  only = g_list_model_get_n_items (tokens) == 1 ? g_list_model_get_item (tokens, 0) : NULL;

  /* A setup left midway with its first token unused (here or in the app)
   * continues with the wait, as the app's Continue Setup does; the secret
   * was shown when it was issued. */
  if (only != NULL && pv_token_info_get_last_used_at (only) == 0 &&
      pv_setups_lookup (setups, id, kind, &idp_left, &token_left) &&
      g_strcmp0 (token_left, pv_token_info_get_id (only)) == 0)
    {
      pv_renewal_resume (renewal, idp_left, token_left);
      /* Translators: "Users" or "Persons", the tenant, the identity provider, then a token's prefix */
      g_print (_("Continuing the setup of the %s app of %s in %s: its token %s… was issued and shown then, and "
                 "is not used yet.\n"), app, name, pv_guide_provider_name (idp_left),
               pv_token_info_get_prefix (only));
      fflush (stdout);
    }
  /* Setting up again would strand the token the identity provider uses. */
  else if (g_list_model_get_n_items (tokens) > 0)
    {
      g_printerr (_("provisioctl: the %s connection of %s already has a token; renew it with "
                    "provisioctl renew %s %s\n"), app, name, id, kind);
      return 1;
    }
  else
    {
      /* The tenant learns which identity provider provisions it, then the
       * first token is issued (PvRenewal, as the app's assistant), and the
       * setup is kept as left midway until its first use. */
      pv_renewal_set_description (renewal, _("Set up with provisioctl"));
      if (!issue_with (renewal, idp, NULL))
        {
          g_printerr ("provisioctl: %s\n", pv_renewal_get_error (renewal)->message);
          return 1;
        }
      save_setups (setups);
      if (!print_setup_steps (idp, kind, name, pv_renewal_get_issued (renewal), &error))
        return fail (error);
    }

  if (opt_no_wait)
    return 0;
  g_printerr (_("Waiting for the identity provider's first request with the new token (Ctrl+C stops "
                "waiting; the token stays)…\n"));
  pv_renewal_wait (renewal, 2000);
  while (pv_renewal_get_step (renewal) != PV_RENEWAL_DONE)
    g_main_context_iteration (NULL, TRUE);
  /* Done: no longer left midway */
  save_setups (setups);
  {
    const char *agent = pv_event_info_get_user_agent (pv_renewal_get_first_use (renewal));

    /* Translators: the identity provider's program, such as "Azure AD SCIM client" */
    g_print (_("The identity provider's first request arrived (%s). Provisioning works.\n"),
             agent ? agent : _("unknown client"));
  }
  return 0;
}

int
run_setup (GFile *file, char **args)
{
  return setup (file, args[0], args[1]);
}

int
run_renew (GFile *file, char **args)
{
  return renew (file, args[0], args[1]);
}

int
run_revoke (GFile *file, char **args)
{
  return revoke_token (file, args[0], args[1], args[2]);
}

int
run_events (GFile *file, char **args)
{
  return events (file, args[0], args[1]);
}
