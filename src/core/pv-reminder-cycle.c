/* pv-reminder-cycle.c: the reminders due across every source, sent once
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-reminder-cycle"

#include "config.h"

#include "pv-files.h"
#include "pv-reminder-cycle.h"
#include "pv-reminders.h"
#include "pv-tracked-check.h"

/* What the app does after each refresh while it runs, the same as
 * provisioctl remind, from the same record of what was sent
 * (pv_reminders_state_file()), so that each reminder goes out once either
 * way: the tenants' tokens and keys, a tracked app's token its vendor
 * rejects, the Microsoft sign-in and the SAML certificates of the last
 * Import from Entra. */

/**
 * pv_reminders_collect:
 * @tenants: the tenants and tracked apps
 * @entra: (nullable): the Entra sign-in and its SAML certificates
 * @override: (nullable): thresholds that take the place of each tenant's
 *   own schedule (the preferences'); the sign-in's, or the defaults
 * @now: the time, by this computer's clock
 * @sent: what was sent already; not changed
 *
 * Returns: (transfer container) (element-type PvDueReminder): the
 *   reminders due and not yet sent
 */
GPtrArray *
pv_reminders_collect (PvTenantList         *tenants,
                      PvEntraSession       *entra,
                      const PvExpiryPolicy *override,
                      gint64                now,
                      GKeyFile             *sent)
{
  PvGraph *graph = entra ? pv_entra_session_get_graph (entra) : NULL;

  return pv_reminders_collect_full (tenants,
                                    entra ? pv_entra_session_get_lapses_at (entra) : 0,
                                    graph ? pv_graph_get_account (graph) : NULL,
                                    entra ? pv_entra_session_get_saml_certificates (entra) : NULL,
                                    override, now, sent);
}

/**
 * pv_reminders_collect_full:
 * @tenants: the tenants and tracked apps
 * @sign_in_lapses_at: when the Microsoft sign-in lapses unless used
 *   (pv_entra_sign_in_lapse_async()), or 0: none, or not known
 * @account: (nullable): who signed in
 * @saml: (nullable) (element-type PvTenantInfo): the SAML apps'
 *   certificates the last Import from Entra found
 * @override: (nullable): as for pv_reminders_collect()
 * @now: the time, by this computer's clock
 * @sent: what was sent already; not changed
 *
 * As pv_reminders_collect(), for whoever knows the sign-in and the SAML
 * certificates without a #PvEntraSession (provisioctl remind).
 *
 * Returns: (transfer container) (element-type PvDueReminder): the
 *   reminders due and not yet sent
 */
GPtrArray *
pv_reminders_collect_full (PvTenantList         *tenants,
                           gint64                sign_in_lapses_at,
                           const char           *account,
                           GListModel           *saml,
                           const PvExpiryPolicy *override,
                           gint64                now,
                           GKeyFile             *sent)
{
  GListModel *model = G_LIST_MODEL (tenants);
  GPtrArray *due = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_due_reminder_free);
  PvExpiryPolicy policy;

  g_return_val_if_fail (PV_IS_TENANT_LIST (tenants), due);
  g_return_val_if_fail (saml == NULL || G_IS_LIST_MODEL (saml), due);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (model, i);
      PvTrackedApp *app = pv_tenant_list_get_tracked_app (tenants, tenant);
      GPtrArray *found;

      /* A tracked app's dates are known here, not fetched. */
      if (pv_tenant_info_get_fetched_at (tenant) == 0 && app == NULL)
        continue;
      policy = override ? *override : *pv_tenant_info_get_policy (tenant);
      /* By the tenant's clock as last known, also offline */
      found = pv_reminders_due_for_tenant (tenant, &policy, pv_tenant_info_get_now (tenant, now), sent);
      /* A token its vendor rejects, whatever its dates say */
      if (app != NULL)
        pv_tracked_checks_add_due (pv_tenant_list_get_checks (tenants), app, tenant, sent, found);
      g_ptr_array_extend_and_steal (due, found);
    }

  /* The Microsoft sign-in, by this computer's clock and the app's schedule */
  if (override != NULL)
    policy = *override;
  else
    pv_expiry_policy_init_default (&policy);
  g_ptr_array_extend_and_steal (due, pv_reminders_due_for_sign_in (sign_in_lapses_at, account, &policy, now, sent));

  /* The SAML apps' certificates the last Import from Entra found */
  for (guint i = 0; saml != NULL && i < g_list_model_get_n_items (saml); i++)
    {
      g_autoptr(PvTenantInfo) certificate = g_list_model_get_item (saml, i);

      policy = override ? *override : *pv_tenant_info_get_policy (certificate);
      g_ptr_array_extend_and_steal (due, pv_reminders_due_for_tenant (certificate, &policy, now, sent));
    }
  return due;
}

typedef struct {
  GApplication   *app;
  PvTenantList   *tenants;
  PvEntraSession *entra;
  PvExpiryPolicy  override;
  gboolean        overridden;
  GFile          *file;
  guint           n_sent;
} Cycle;

static void
cycle_free (Cycle *c)
{
  g_clear_object (&c->app);
  g_clear_object (&c->tenants);
  g_clear_object (&c->entra);
  g_clear_object (&c->file);
  g_free (c);
}

static void
saved_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* Sent, but not kept: they may go out again; said, not fatal. */
  if (!pv_file_write_private_finish (result, &error))
    g_warning ("Could not remember the reminders sent: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
loaded_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Cycle *c = g_task_get_task_data (task);
  g_autoptr(GKeyFile) sent = g_key_file_new ();
  g_autofree char *contents = NULL;
  g_autoptr(GPtrArray) due = NULL;
  g_autoptr(GError) error = NULL;
  gsize length = 0;

  if (g_file_load_contents_finish (G_FILE (source), result, &contents, &length, NULL, &error))
    g_key_file_load_from_data (sent, contents, length, G_KEY_FILE_NONE, NULL);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  due = pv_reminders_collect (c->tenants, c->entra, c->overridden ? &c->override : NULL,
                              g_get_real_time () / G_USEC_PER_SEC, sent);
  if (due->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  c->n_sent = pv_reminders_send (c->app, due, sent);
  {
    char *data = g_key_file_to_data (sent, &length, NULL);
    g_autoptr(GBytes) bytes = g_bytes_new_take (data, length);

    pv_file_write_private_async (c->file, bytes, g_task_get_cancellable (task), saved_cb, g_object_ref (task));
  }
}

/**
 * pv_reminders_cycle_async:
 * @app: sends the notifications
 * @entra: (nullable): the Entra sign-in and its SAML certificates
 * @override: (nullable): the preferences' thresholds, if they set some
 *
 * Sends the reminders due (pv_reminders_collect()) that were not sent
 * before, and records them as sent.
 */
void
pv_reminders_cycle_async (GApplication         *app,
                          PvTenantList         *tenants,
                          PvEntraSession       *entra,
                          const PvExpiryPolicy *override,
                          GCancellable         *cancellable,
                          GAsyncReadyCallback   callback,
                          gpointer              user_data)
{
  g_autoptr(GTask) task = NULL;
  Cycle *c;

  g_return_if_fail (G_IS_APPLICATION (app));
  g_return_if_fail (PV_IS_TENANT_LIST (tenants));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pv_reminders_cycle_async);
  c = g_new0 (Cycle, 1);
  c->app = g_object_ref (app);
  c->tenants = g_object_ref (tenants);
  c->entra = entra ? g_object_ref (entra) : NULL;
  c->overridden = override != NULL;
  if (override != NULL)
    c->override = *override;
  c->file = pv_reminders_state_file ();
  g_task_set_task_data (task, c, (GDestroyNotify) cycle_free);
  g_file_load_contents_async (c->file, cancellable, loaded_cb, g_steal_pointer (&task));
}

/**
 * pv_reminders_cycle_finish:
 * @n_sent: (out) (optional): how many notifications went out (one
 *   summary for many reminders)
 */
gboolean
pv_reminders_cycle_finish (GAsyncResult  *result,
                           guint         *n_sent,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_reminders_cycle_async, FALSE);

  if (n_sent != NULL)
    *n_sent = ((Cycle *) g_task_get_task_data (G_TASK (result)))->n_sent;
  return g_task_propagate_boolean (G_TASK (result), error);
}
