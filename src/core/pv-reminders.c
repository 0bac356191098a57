/* pv-reminders.c: which reminders are due, each once
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-reminders"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pv-connection-info.h"
#include "pv-dates.h"
#include "pv-entra-session.h"
#include "pv-files.h"
#include "pv-guide.h"
#include "pv-overview.h"
#include "pv-reminders.h"

/* A reminder is due when a token (or SSO certificate) has crossed a
 * threshold for which nothing was sent yet: once per token and threshold,
 * the smallest crossed when several were (a check that ran last 20 days ago
 * sends the 14-day reminder, not also the 30-day one), and once more when
 * it has expired.  What was sent is kept in a key file:
 * [sent] TENANT/KIND/TOKEN-ID=THRESHOLD (0: the expiry). */

#define GROUP "sent"

/**
 * pv_due_reminder_free:
 *
 * Frees a reminder of pv_reminders_due() or of another source of them.
 */
void
pv_due_reminder_free (PvDueReminder *r)
{
  g_free (r->key);
  g_clear_object (&r->tenant);
  g_free (r->kind);
  g_free (r->title);
  g_free (r->body);
  g_free (r);
}

/**
 * pv_reminders_state_file:
 *
 * Returns: (transfer full): $XDG_STATE_HOME/provisio/reminders.ini
 */
GFile *
pv_reminders_state_file (void)
{
  return pv_file_new_for_state ("reminders.ini");
}

/* Entra provisions in cycles of about 40 minutes: two without a single
 * request (Entra asks even when nothing changed) mean provisioning stopped,
 * for example because Entra put the job in quarantine.  Okta and others
 * only call when something changes, so their silence says nothing. */
#define ENTRA_QUIET_SECONDS (2 * pv_guide_provider_cycle ("entra"))

static void
add_quiet_connections (GPtrArray  *due,
                       GListModel *tenants,
                       gint64      now,
                       GKeyFile   *sent)
{
  for (guint i = 0; i < g_list_model_get_n_items (tenants); i++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (tenants, i);
      GListModel *connections = pv_tenant_info_get_connections (tenant);
      const char *name = pv_tenant_info_get_name (tenant) ? pv_tenant_info_get_name (tenant)
                                                          : pv_tenant_info_get_id (tenant);

      for (guint c = 0; c < g_list_model_get_n_items (connections); c++)
        {
          g_autoptr(PvConnectionInfo) connection = g_list_model_get_item (connections, c);
          gint64 last = pv_connection_info_get_last_request_at (connection);
          const char *kind = pv_connection_info_get_kind (connection);
          g_autofree char *key = NULL;
          g_autofree char *since = NULL;
          PvDueReminder *r;

          if (g_strcmp0 (pv_connection_info_get_identity_provider (connection), "entra") != 0 ||
              last == 0 || now - last <= ENTRA_QUIET_SECONDS)
            continue;
          /* Once per silence: a request ends it, a later one starts another. */
          key = g_strdup_printf ("%s/%s/quiet-since-%" G_GINT64_FORMAT, pv_tenant_info_get_id (tenant), kind, last);
          if (g_key_file_has_key (sent, GROUP, key, NULL))
            continue;
          since = pv_format_date (last);
          r = g_new0 (PvDueReminder, 1);
          r->key = g_steal_pointer (&key);
          r->tenant = g_object_ref (tenant);
          r->kind = g_strdup (kind);
          r->threshold = 0;
          r->state = PV_EXPIRY_URGENT;
          /* Translators: "Users" or "Persons", then a tenant's name, then a date */
          r->title = g_strdup_printf (_("No SCIM request from the %s app of %s since %s"),
                                      pv_guide_app_name (kind), name, since);
          r->body = g_strdup (_("Entra provisions about every 40 minutes; two cycles have passed without a "
                                "request. Check the app's provisioning status in Entra: a job in quarantine "
                                "or a rejected token stops provisioning."));
          g_ptr_array_add (due, r);
        }
    }
}

/**
 * pv_reminders_due:
 * @tenants: a list of #PvTenantInfo
 * @policy: the thresholds
 * @now: by the tenants' clock
 * @sent: what was sent before (see pv_reminders_mark_sent())
 *
 * Returns: (transfer full) (element-type PvDueReminder): the reminders to send now
 */
GPtrArray *
pv_reminders_due (GListModel           *tenants,
                  const PvExpiryPolicy *policy,
                  gint64                now,
                  GKeyFile             *sent)
{
  g_autoptr(GPtrArray) items = pv_overview_items (tenants, policy, now);
  GPtrArray *due = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_due_reminder_free);

  for (guint i = 0; i < items->len; i++)
    {
      PvOverviewItem *item = g_ptr_array_index (items, i);
      const char *name = pv_tenant_info_get_name (item->tenant);
      g_autofree char *key = NULL;
      g_autofree char *left = NULL;
      g_autofree char *date = NULL;
      gint threshold;
      PvDueReminder *r;

      /* A token being retired stops nothing when it expires. */
      if (item->expires_at == 0 || item->retiring)
        continue;
      threshold = item->expires_at <= now ? 0 : pv_expiry_crossed_threshold (policy, item->expires_at, now);
      if (threshold < 0)
        continue;
      if (item->key_id != NULL)
        key = g_strdup_printf ("%s/admin-key/%s", pv_tenant_info_get_id (item->tenant), item->key_id);
      else if (item->token_id != NULL)
        key = g_strdup_printf ("%s/%s/%s", pv_tenant_info_get_id (item->tenant), item->kind, item->token_id);
      else
        key = g_strdup_printf ("%s/sso-certificate/%" G_GINT64_FORMAT, pv_tenant_info_get_id (item->tenant),
                               item->expires_at);
      /* Sent already for this threshold or a smaller one */
      if (g_key_file_has_key (sent, GROUP, key, NULL) &&
          g_key_file_get_integer (sent, GROUP, key, NULL) <= threshold)
        continue;

      r = g_new0 (PvDueReminder, 1);
      r->key = g_steal_pointer (&key);
      r->tenant = g_object_ref (item->tenant);
      r->kind = g_strdup (item->kind);
      r->threshold = threshold;
      r->state = item->expires_at <= now ? PV_EXPIRY_EXPIRED : pv_expiry_state (policy, item->expires_at, now);
      left = pv_format_days_left (item->expires_at, now);
      date = pv_format_date (item->expires_at);
      name = name ? name : pv_tenant_info_get_id (item->tenant);
      if (item->key_id != NULL)
        {
          /* Translators: a notification's title: a tenant's name, then "expires in 9 days" */
          r->title = g_strdup_printf (_("Provisio's admin API key for %s %s"), name, left);
          if (item->expires_at <= now)
            /* Translators: a notification's text: the date */
            r->body = g_strdup_printf (_("Since %s Provisio cannot see the tenant. Ask the tenant's owner for a "
                                         "new admin API key and add the tenant again with it."), date);
          else
            /* Translators: a notification's text: the date */
            r->body = g_strdup_printf (_("On %s Provisio stops seeing the tenant's tokens. Renew the key on the "
                                         "tenant's page, or with provisioctl tenant rotate-key."), date);
        }
      else if (item->kind != NULL)
        {
          /* Translators: a notification's title: "Users" or "Persons", then a tenant's name */
          r->title = g_strdup_printf (_("The %s token of %s %s"), pv_guide_app_name (item->kind), name, left);
          /* Translators: a notification's text: the date, then "Users" or "Persons" */
          r->body = g_strdup_printf (_("On %s provisioning through the %s app stops. Renew the token and paste it "
                                       "into that app of the identity provider."), date,
                                     pv_guide_app_name (item->kind));
        }
      else if (pv_entra_saml_info_get_app_name (item->tenant) != NULL)
        {
          /* Translators: a notification's title: an Entra enterprise app's name, then "expires in 9 days" */
          r->title = g_strdup_printf (_("The SAML signing certificate of %s %s"), name, left);
          /* Translators: a notification's text: the date, then an Entra enterprise app's name twice */
          r->body = g_strdup_printf (_("On %s sign-in to %s through Microsoft Entra stops. In the Entra admin "
                                       "center add a new certificate to the app, give it to %s and make it "
                                       "active."), date, name, name);
        }
      else
        {
          /* Translators: a notification's title: a tenant's name, then "expires in 9 days" */
          r->title = g_strdup_printf (_("The SSO certificate of %s %s"), name, left);
          /* Translators: a notification's text: the date */
          r->body = g_strdup_printf (_("On %s sign-in through the identity provider stops. Renew the signing "
                                       "certificate there and update the tenant's SSO settings."), date);
        }
      g_ptr_array_add (due, r);
    }
  add_quiet_connections (due, tenants, now, sent);
  return due;
}

/**
 * pv_reminders_due_for_tenant:
 * @now: by this tenant's clock (see pv_client_get_now())
 * @policy: this tenant's thresholds
 *
 * pv_reminders_due() for one tenant, which the app and provisioctl judge
 * each by its own clock and schedule.
 *
 * Returns: (transfer full) (element-type PvDueReminder): the reminders to send now
 */
GPtrArray *
pv_reminders_due_for_tenant (PvTenantInfo         *tenant,
                             const PvExpiryPolicy *policy,
                             gint64                now,
                             GKeyFile             *sent)
{
  g_autoptr(GListStore) one = g_list_store_new (PV_TYPE_TENANT_INFO);

  g_list_store_append (one, tenant);
  return pv_reminders_due (G_LIST_MODEL (one), policy, now, sent);
}

/**
 * pv_reminders_due_for_sign_in:
 * @lapses_at: when the Microsoft sign-in lapses unless used (see
 *   pv_entra_sign_in_lapse_async()), or 0
 * @account: (nullable): who signed in
 *
 * The reminder of a Microsoft sign-in about to lapse, at each threshold
 * like a token's (those under %PV_ENTRA_SIGN_IN_IDLE_DAYS), once each.
 *
 * Returns: (transfer full) (element-type PvDueReminder): the reminder to
 *   send now, if any
 */
GPtrArray *
pv_reminders_due_for_sign_in (gint64                lapses_at,
                              const char           *account,
                              const PvExpiryPolicy *policy,
                              gint64                now,
                              GKeyFile             *sent)
{
  GPtrArray *due = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_due_reminder_free);
  g_autofree char *key = NULL;
  g_autofree char *left = NULL;
  g_autofree char *date = NULL;
  PvDueReminder *r;
  PvExpiryPolicy own = *policy;
  gint threshold;

  /* A threshold beyond the sign-in's idle lifetime would be crossed at each
   * use, when nothing needs doing. */
  own.n_thresholds = 0;
  for (guint i = 0; i < policy->n_thresholds; i++)
    if (policy->thresholds[i] < PV_ENTRA_SIGN_IN_IDLE_DAYS)
      own.thresholds[own.n_thresholds++] = policy->thresholds[i];
  if (lapses_at == 0 || own.n_thresholds == 0)
    return due;
  policy = &own;
  threshold = lapses_at <= now ? 0 : pv_expiry_crossed_threshold (policy, lapses_at, now);
  if (threshold < 0)
    return due;
  /* Each use moves the lapse: a lapse that stays put is one that needs the admin. */
  key = g_strdup_printf ("microsoft-sign-in/%" G_GINT64_FORMAT, lapses_at);
  if (g_key_file_has_key (sent, GROUP, key, NULL) && g_key_file_get_integer (sent, GROUP, key, NULL) <= threshold)
    return due;

  r = g_new0 (PvDueReminder, 1);
  r->key = g_steal_pointer (&key);
  r->threshold = threshold;
  r->state = lapses_at <= now ? PV_EXPIRY_EXPIRED : pv_expiry_state (policy, lapses_at, now);
  left = pv_format_days_left (lapses_at, now);
  date = pv_format_date (lapses_at);
  /* Translators: a notification's title: an account, then "expires in 9 days" */
  r->title = g_strdup_printf (_("The Microsoft sign-in of %s %s"), account ? account : _("Provisio"), left);
  /* Translators: a notification's text: the date */
  r->body = g_strdup_printf (_("Microsoft ends a sign-in that is not used for 90 days. On %s Provisio can no longer "
                               "update Entra apps: open Provisio while online to use it, or sign in again in its "
                               "preferences."), date);
  g_ptr_array_add (due, r);
  return due;
}

/**
 * pv_reminders_mark_sent:
 *
 * Remembers that @reminder was sent, so that it is not sent again.
 */
void
pv_reminders_mark_sent (GKeyFile            *sent,
                        const PvDueReminder *reminder)
{
  g_key_file_set_integer (sent, GROUP, reminder->key, reminder->threshold);
}

/* More than this at once (a first check, a long holiday) is one summary
 * rather than a flood. */
#define MAX_SEPARATE_NOTIFICATIONS 3

/**
 * pv_reminders_send:
 * @app: the application the notifications come from (its actions
 *   app.show-tenant and app.renew open the tenant and the renew assistant)
 * @due: (element-type PvDueReminder): from pv_reminders_due()
 * @sent: marked as sent
 *
 * Sends @due as notifications: one each, or one summary when there are
 * many, and remembers them in @sent.
 *
 * Returns: how many notifications were sent
 */
guint
pv_reminders_send (GApplication *app,
                   GPtrArray    *due,
                   GKeyFile     *sent)
{
  if (due->len > MAX_SEPARATE_NOTIFICATIONS)
    {
      g_autoptr(GNotification) notification = NULL;
      g_autoptr(GString) body = g_string_new (NULL);
      g_autofree char *title = NULL;
      PvExpiryState worst = PV_EXPIRY_OK;

      for (guint i = 0; i < due->len; i++)
        {
          PvDueReminder *r = g_ptr_array_index (due, i);

          worst = MAX (worst, r->state);
          if (i < MAX_SEPARATE_NOTIFICATIONS)
            g_string_append_printf (body, "%s%s", body->len ? "\n" : "", r->title);
          pv_reminders_mark_sent (sent, r);
        }
      g_string_append (body, "\n…");
      title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u token or certificate needs attention",
                                            "%u tokens and certificates need attention", due->len), due->len);
      notification = g_notification_new (title);
      g_notification_set_body (notification, body->str);
      g_notification_set_priority (notification, worst >= PV_EXPIRY_URGENT ? G_NOTIFICATION_PRIORITY_URGENT
                                                                           : G_NOTIFICATION_PRIORITY_NORMAL);
      /* No default action: clicking it opens the app, on the overview
       * that lists them all. */
      g_application_send_notification (app, "reminders-summary", notification);
      return 1;
    }

  for (guint i = 0; i < due->len; i++)
    {
      PvDueReminder *r = g_ptr_array_index (due, i);
      g_autoptr(GNotification) notification = g_notification_new (r->title);

      g_notification_set_body (notification, r->body);
      g_notification_set_priority (notification, r->state >= PV_EXPIRY_URGENT ? G_NOTIFICATION_PRIORITY_URGENT
                                                                               : G_NOTIFICATION_PRIORITY_NORMAL);
      if (r->tenant != NULL)
        g_notification_set_default_action_and_target (notification, "app.show-tenant", "s",
                                                      pv_tenant_info_get_id (r->tenant));
      else
        g_notification_set_default_action (notification, "app.preferences");
      if (r->kind != NULL)
        g_notification_add_button_with_target (notification, _("Renew…"), "app.renew", "(ss)",
                                               pv_tenant_info_get_id (r->tenant), r->kind);
      g_application_send_notification (app, r->key, notification);
      pv_reminders_mark_sent (sent, r);
    }
  return due->len;
}

/* The background check: the systemd user timer provisio-reminders.timer,
 * as systemd itself has it, asked and switched with systemctl --user. */

#define TIMER_UNIT "provisio-reminders.timer"

static void
systemctl_done_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GSubprocess *process = G_SUBPROCESS (source);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *verb = g_task_get_task_data (task);

  if (!g_subprocess_communicate_utf8_finish (process, result, &out, &err, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (g_str_equal (verb, "is-enabled"))
    {
      /* "enabled", or "disabled", "not-found"…, or no answer at all */
      g_task_return_boolean (task, out != NULL && g_str_equal (g_strstrip (out), "enabled"));
      return;
    }
  if (!g_subprocess_get_successful (process))
    {
      /* systemctl's own words: "Failed to connect to bus: …" */
      g_autofree char *reason = g_strdup (err ? g_strstrip (err) : "");
      char *newline = strchr (reason, '\n');

      if (newline != NULL)
        *newline = '\0';
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED, "%s",
                               *reason ? reason : _("systemctl --user failed"));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static void
systemctl_async (const char          *verb,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;
  gboolean query = g_str_equal (verb, "is-enabled");

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, g_strdup (verb), g_free);
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                              "systemctl", "--user", verb, query ? TIMER_UNIT : "--now",
                              query ? NULL : TIMER_UNIT, NULL);
  if (process == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  g_subprocess_communicate_utf8_async (process, NULL, cancellable, systemctl_done_cb, task);
}

/**
 * pv_reminders_timer_query_async:
 *
 * Asks systemd whether the background check's timer is enabled.
 */
void
pv_reminders_timer_query_async (GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  systemctl_async ("is-enabled", pv_reminders_timer_query_async, cancellable, callback, user_data);
}

/**
 * pv_reminders_timer_query_finish:
 *
 * Returns: whether systemd has the timer enabled; %FALSE with @error only
 *   if systemctl could not be run
 */
gboolean
pv_reminders_timer_query_finish (GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_reminders_timer_query_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * pv_reminders_timer_set_async:
 * @enable: enable and start the timer, or disable and stop it
 *
 * Switches the background check, with systemctl --user enable --now (or
 * disable --now).
 */
void
pv_reminders_timer_set_async (gboolean             enable,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  systemctl_async (enable ? "enable" : "disable", pv_reminders_timer_set_async, cancellable, callback, user_data);
}

/**
 * pv_reminders_timer_set_finish:
 *
 * Returns: %TRUE once systemd did it; %FALSE with systemctl's reason
 */
gboolean
pv_reminders_timer_set_finish (GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == pv_reminders_timer_set_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
