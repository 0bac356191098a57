/* pv-renew-window.c: the renew assistant, one step at a time
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-renew-window"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-application.h"
#include "pv-connection-info.h"
#include "pv-dates.h"
#include "pv-event-info.h"
#include "pv-guide.h"
#include "pv-overview.h"
#include "pv-entra.h"
#include "pv-paste-renew-window.h"
#include "pv-renew-window.h"
#include "pv-renewal.h"
#include "pv-tokens.h"
#include "pv-widgets.h"

/* intro -> issuing -> secret -> steps -> waiting -> done: the steps of
 * the core's PvRenewal (pv-renewal.c), which issues, remembers a setup,
 * waits for the first use and sends the demo's request; this window only
 * shows them, with the secret page split in two (the secret, then the
 * identity provider's steps or the hand-over to Entra).
 *
 * The old token is never touched: the new one is issued with
 * retire=on-first-use, so the tenant retires the old one only once the
 * identity provider provisions with the new one and no longer with it
 * (docs/provisiod.md, "Token rules").  Closing the window at any step
 * loses nothing: the new token exists, and the tenant's panel says it waits
 * for its first use.  The secret lives only in this window's memory, is
 * zeroed when it closes, and leaves the clipboard after the configured
 * time
 *
 * A replacement nobody has used stands in the way of another (an answer
 * lost on the way, this window closed or crashed before its token was
 * copied, another admin renewing): the first page says so, with who issued
 * it and when, as soon as the connection's tokens or the tenant's refusal
 * tell, and offers to replace it in one request; each other refusal gets
 * its own words (pv_issue_refusal_describe()).  Every issue carries an
 * Idempotency-Key, kept when nothing answered so that trying again cannot
 * issue twice. */

/* How often the tenant is asked for the new token's events while waiting */
#define WATCH_INTERVAL_MS 1000

struct _PvRenewWindow
{
  AdwWindow      parent_instance;

  PvTenantList  *tenants;
  PvTenantInfo  *tenant;
  char          *kind;
  GCancellable  *cancellable;
  PvRenewal     *renewal;     /* NULL without a client (no key) */
  gboolean       setup;       /* the first-time setup rather than a renewal */
  GSettings     *settings;

  GtkStack      *stack;
  AdwWindowTitle *title;
  AdwStatusPage *intro_page;
  GtkWidget     *entra_button;
  GtkWidget     *okta_button;
  AdwStatusPage *done_page;
  GtkLabel      *intro_error;
  GtkWidget     *issue_button;
  GtkLabel      *refusal_label;   /* what stands in the way of a new token */
  GtkWidget     *replace_button;
  char          *replace_id;      /* the unused replacement the next issue replaces */
  gboolean       refused;         /* the tenant refused: its words stand */
  GtkLabel      *secret_label;
  GtkLabel      *clipboard_label;
  GtkProgressBar *clipboard_progress;
  GtkWidget     *to_steps_button;
  GtkWidget     *secret_hand_over_button;   /* signed in and linked: straight to Graph */
  gboolean       steps_added;   /* the guide's rows, added when reached */
  GtkWidget     *hand_over_group;
  GtkWidget     *steps_group;
  GtkWidget     *mappings_group;
  GtkWidget     *resumed_note;
  GtkWidget     *wait_page;
  GtkWidget     *verify_group;
  gboolean       verify_added;
  GtkLabel      *wait_label;
  GtkProgressBar *wait_progress;
  GtkListBox    *event_list;
  GtkWidget     *demo_button;
  GtkLabel      *done_label;
  GtkLabel      *switch_labels[2];  /* waiting, done: which token came last */
  guint          switch_id;
  GtkWidget     *hand_over_button;
  GtkWidget     *hand_over_rows[PV_HAND_OVER_N_STEPS];
  GtkWidget     *hand_over_icons[PV_HAND_OVER_N_STEPS];
  GtkLabel      *hand_over_result;

  guint          clipboard_id;
  gint64         copied_at;
  guint          wait_id;
  gint64         wait_started;
  gboolean       done;
};

G_DEFINE_FINAL_TYPE (PvRenewWindow, pv_renew_window, ADW_TYPE_WINDOW)

static const char *
tenant_name (PvRenewWindow *self)
{
  const char *name = pv_tenant_info_get_name (self->tenant);

  return name ? name : pv_tenant_info_get_id (self->tenant);
}

static PvConnectionInfo *
get_connection (PvRenewWindow *self)
{
  return pv_tenant_info_get_connection (self->tenant, self->kind);
}

/* The new token with its secret, once issued (not when resumed) */
static PvIssuedToken *
get_issued (PvRenewWindow *self)
{
  return self->renewal ? (PvIssuedToken *) pv_renewal_get_issued (self->renewal) : NULL;
}

static const char *
get_token_id (PvRenewWindow *self)
{
  return self->renewal ? pv_renewal_get_token_id (self->renewal) : NULL;
}

static const char *
identity_provider (PvRenewWindow *self)
{
  PvConnectionInfo *connection = get_connection (self);

  if (self->setup)
    return self->renewal ? pv_renewal_get_idp (self->renewal) : NULL;

  return connection ? pv_connection_info_get_identity_provider (connection) : NULL;
}

/**
 * pv_renew_window_get_step:
 *
 * Returns: the step shown: "intro", "issuing", "secret", "steps", "waiting" or "done"
 */
const char *
pv_renew_window_get_step (PvRenewWindow *self)
{
  g_return_val_if_fail (PV_IS_RENEW_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

static void
show_step (PvRenewWindow *self,
           const char    *step)
{
  gtk_stack_set_visible_child_name (self->stack, step);
}

/* Refreshing the tenant so that its panels show what happened */

static void
tenant_refreshed_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  pv_tenant_info_refresh_finish (PV_TENANT_INFO (source), result, &error);
}

static void
refresh_tenant (PvRenewWindow *self)
{
  PvClient *client = pv_tenant_list_get_client (self->tenants, self->tenant);

  if (client != NULL)
    pv_tenant_info_refresh_async (self->tenant, client, NULL, tenant_refreshed_cb, NULL);
}

/* Waiting and done: which of the two tokens the identity provider used
 * last, live.  A "Test connection" with the new token is a first use too;
 * only the identity provider's later requests tell whether it was saved:
 * a change with the new one (the tenant then retires the old one), or a
 * request with the old one (it was not). */

#define SWITCH_INTERVAL_SECONDS 10

static void
update_switch (PvRenewWindow *self)
{
  PvConnectionInfo *connection = get_connection (self);
  g_autofree char *text = connection ? pv_overview_describe_switch (connection) : NULL;

  for (guint i = 0; i < G_N_ELEMENTS (self->switch_labels); i++)
    {
      gtk_label_set_label (self->switch_labels[i], text ? text : "");
      gtk_widget_set_visible (GTK_WIDGET (self->switch_labels[i]), text != NULL);
    }
}

static gboolean
switch_tick_cb (gpointer user_data)
{
  refresh_tenant (user_data);
  return G_SOURCE_CONTINUE;
}

static void
watch_switch (PvRenewWindow *self)
{
  if (self->switch_id != 0)
    return;
  g_signal_connect_object (self->tenant, "changed", G_CALLBACK (update_switch), self, G_CONNECT_SWAPPED);
  self->switch_id = g_timeout_add_seconds (SWITCH_INTERVAL_SECONDS, switch_tick_cb, self);
  update_switch (self);
}

/* Step 6: done */

static void
finish (PvRenewWindow *self,
        PvEventInfo   *first_use)
{
  const char *app = pv_guide_app_name (self->kind);
  const char *agent = pv_event_info_get_user_agent (first_use);
  g_autofree char *when = pv_format_date (pv_event_info_get_at (first_use));
  g_autofree char *text = NULL;

  self->done = TRUE;
  g_clear_handle_id (&self->wait_id, g_source_remove);
  /* The renewal has forgotten the setup left midway. */
  if (self->setup)
    {
      /* Translators: the app, the date of the first request, who sent it */
      text = g_strdup_printf (_("The %s app sent its first request on %s (%s). Provisioning is set up."),
                              app, when, agent ? agent : _("identity provider"));
    }
  else if (get_issued (self) != NULL && get_issued (self)->replaces != NULL)
    /* Translators: %s: the app, the date of the first use, who used it */
    text = g_strdup_printf (_("The %s app used the new token on %s (%s). The old token retires by itself once "
                              "the identity provider provisions with the new one and has gone two of its cycles "
                              "without the old one; a test alone retires nothing. Make sure the new token is "
                              "saved in the identity provider."),
                            app, when, agent ? agent : _("identity provider"));
  else
    text = g_strdup_printf (_("The %s app used the new token on %s (%s). Provisioning goes on with it."),
                            app, when, agent ? agent : _("identity provider"));
  gtk_label_set_label (self->done_label, text);
  show_step (self, "done");
  refresh_tenant (self);
  watch_switch (self);
}

/* Step 5: waiting for the identity provider's first use, live */

static const char *
event_words (PvEventInfo *event)
{
  const char *type = pv_event_info_get_event_type (event);

  if (g_str_equal (type, "token.issued"))
    return _("New token issued");
  if (g_str_equal (type, "token.first-use"))
    return _("First used by the identity provider");
  if (g_str_equal (type, "token.retired"))
    return _("Token retired");
  if (g_str_equal (type, "token.revoked"))
    return _("Token revoked");
  return pv_event_info_get_operation (event);
}

static GtkWidget *
event_row_new (gpointer item,
               gpointer user_data)
{
  PvEventInfo *event = item;
  GtkWidget *row = adw_action_row_new ();
  g_autoptr(GDateTime) at = pv_date_time_new_local (pv_event_info_get_at (event));
  g_autofree char *time = g_date_time_format (at, "%H:%M:%S");
  const char *agent = pv_event_info_get_user_agent (event);
  g_autofree char *subtitle = NULL;

  subtitle = pv_event_info_get_status (event) > 0
             ? g_strdup_printf ("%s · HTTP %d%s%s", time, pv_event_info_get_status (event), agent ? " · " : "",
                                agent ? agent : "")
             : g_strdup_printf ("%s%s%s", time, agent ? " · " : "", agent ? agent : "");
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), event_words (event));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static void
watch_error_cb (PvRenewal     *renewal,
                const GError  *error,
                PvRenewWindow *self)
{
  g_autofree char *text = g_strdup_printf (_("Could not ask the tenant: %s. Still trying…"), error->message);

  gtk_label_set_label (self->wait_label, text);
}

static gboolean
wait_tick_cb (gpointer user_data)
{
  PvRenewWindow *self = user_data;
  gint64 elapsed = (g_get_monotonic_time () - self->wait_started) / G_USEC_PER_SEC;
  g_autofree char *text = NULL;

  /* Translators: minutes and seconds waited so far */
  text = g_strdup_printf (_("Waiting for %d:%02d"), (int) (elapsed / 60), (int) (elapsed % 60));
  gtk_progress_bar_set_text (self->wait_progress, text);
  /* The identity provider's cycle (pv_guide_provider_cycle()) as the whole */
  gtk_progress_bar_set_fraction (self->wait_progress,
                                 MIN (1.0, (double) elapsed / pv_guide_provider_cycle (identity_provider (self))));
  return G_SOURCE_CONTINUE;
}

static GtkWidget *link_button_new (const char *uri);

/* While waiting: how to check in the identity provider (its verify guide) */
static void
add_verify_steps (PvRenewWindow *self)
{
  const char *idp = identity_provider (self) ? identity_provider (self) : "entra";
  PvConnectionInfo *connection = get_connection (self);
  const char *url = connection ? pv_connection_info_get_scim_base_url (connection) : "";
  g_autoptr(GPtrArray) steps = NULL;
  g_autofree char *title = NULL;
  GtkWidget *group = self->verify_group;

  if (self->verify_added)
    return;
  self->verify_added = TRUE;
  steps = pv_guide_steps (idp, "verify", self->kind, tenant_name (self), url, NULL);
  if (steps == NULL)
    return;
  /* Translators: %s is the identity provider */
  title = g_strdup_printf (_("Meanwhile, Check in %s"), pv_guide_provider_name (idp));
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  for (guint i = 0; i < steps->len; i++)
    {
      PvGuideStep *step = g_ptr_array_index (steps, i);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), step->title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), step->detail);
      if (step->link != NULL)
        {
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), link_button_new (step->link));
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  gtk_widget_set_visible (group, TRUE);
}

static void
start_waiting (PvRenewWindow *self)
{
  if (self->setup)
    {
      /* Translators: %s is the identity provider */
      g_autofree char *title = g_strdup_printf (_("Waiting for %s"), pv_guide_provider_name (identity_provider (self)));

      adw_status_page_set_title (ADW_STATUS_PAGE (self->wait_page), title);
      adw_status_page_set_description (ADW_STATUS_PAGE (self->wait_page),
                                       _("The first SCIM request with the new token shows here as it arrives. You "
                                         "may close this window and continue the setup later from the tenant's "
                                         "page."));
    }
  show_step (self, "waiting");
  add_verify_steps (self);
  watch_switch (self);
  if (self->renewal != NULL && pv_renewal_get_step (self->renewal) == PV_RENEWAL_ISSUED)
    {
      pv_renewal_wait (self->renewal, WATCH_INTERVAL_MS);
      gtk_list_box_bind_model (self->event_list, pv_renewal_get_events (self->renewal), event_row_new, NULL, NULL);
      self->wait_started = g_get_monotonic_time ();
      self->wait_id = g_timeout_add_seconds (1, wait_tick_cb, self);
      wait_tick_cb (self);
    }
}

/* Demo only: the identity provider's request, as the core sends it
 * (pv_renewal_send_demo_request()); resumed, the secret is gone. */
static void
demo_clicked_cb (PvRenewWindow *self)
{
  if (self->renewal != NULL)
    pv_renewal_send_demo_request (self->renewal);
}

/* Step 4: the identity provider's steps */

static void
open_link_cb (GtkButton *button)
{
  gtk_show_uri (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))),
                g_object_get_data (G_OBJECT (button), "uri"), GDK_CURRENT_TIME);
}

/* A guide step's link to the admin portal */
static GtkWidget *
link_button_new (const char *uri)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("adw-external-link-symbolic");

  gtk_widget_set_tooltip_text (button, _("Open the page in the browser"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Open the page in the browser"), -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  g_object_set_data_full (G_OBJECT (button), "uri", g_strdup (uri), g_free);
  g_signal_connect (button, "clicked", G_CALLBACK (open_link_cb), NULL);
  return button;
}

/* The attribute mappings of a first setup, each target with a copy button */
static void
add_mappings (GtkWidget  *group,
              const char *idp)
{
  const PvAttributeMapping *mappings;
  guint n;

  mappings = pv_guide_mappings (idp, &n);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *subtitle = mappings[i].note
                                  ? g_strdup_printf ("→ %s · %s", mappings[i].target, _(mappings[i].note))
                                  : g_strdup_printf ("→ %s", mappings[i].target);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), mappings[i].source);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), pv_copy_button_new (mappings[i].target, mappings[i].target));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  gtk_widget_set_visible (group, TRUE);
}

/* The Entra step through Microsoft Graph, where the connection is linked to
 * its Entra app and Provisio is signed in: each step shown with its result;
 * on success on to the wait, on failure the manual steps below still hold,
 * with nothing lost. */

static void
hand_over_step_cb (PvHandOverStep  step,
                   PvStepState     state,
                   const char     *detail,
                   gpointer        user_data)
{
  PvRenewWindow *self = user_data;
  GtkWidget *old = self->hand_over_icons[step];
  GtkWidget *icon;

  switch (state)
    {
    case PV_STEP_RUNNING:
      icon = gtk_spinner_new ();
      gtk_spinner_start (GTK_SPINNER (icon));
      break;
    case PV_STEP_DONE:
      icon = gtk_image_new_from_icon_name ("emblem-ok-symbolic");
      gtk_widget_add_css_class (icon, "success");
      break;
    case PV_STEP_SKIPPED:
      icon = gtk_image_new_from_icon_name ("list-remove-symbolic");
      gtk_widget_add_css_class (icon, "dim-label");
      break;
    case PV_STEP_FAILED:
    default:
      icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
      gtk_widget_add_css_class (icon, "error");
      break;
    }
  if (detail != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->hand_over_rows[step]), detail);
  gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
  if (old != NULL)
    adw_action_row_remove (ADW_ACTION_ROW (self->hand_over_rows[step]), old);
  adw_action_row_add_prefix (ADW_ACTION_ROW (self->hand_over_rows[step]), icon);
  self->hand_over_icons[step] = icon;
}

static void
handed_over_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PvRenewWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PvEntraJob) job = pv_renewal_hand_over_finish (PV_RENEWAL (source), result, &error);
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->hand_over_result), TRUE);
  if (job == NULL)
    {
      /* Translators: %s is what went wrong */
      text = g_strdup_printf (_("Entra was not updated: %s. Nothing is lost: the new token is valid and the old "
                                "one keeps working. Follow the steps below by hand, or try again."),
                              error->message);
      gtk_label_set_label (self->hand_over_result, text);
      gtk_widget_add_css_class (GTK_WIDGET (self->hand_over_result), "error");
      gtk_widget_set_sensitive (self->hand_over_button, TRUE);
      return;
    }
  gtk_label_set_label (self->hand_over_result,
                       _("Entra has the new token. Its next provisioning cycle uses it; Provisio waits for that."));
  gtk_widget_remove_css_class (GTK_WIDGET (self->hand_over_result), "error");
  pv_entra_session_refresh_health (pv_application_get_entra (PV_APPLICATION (g_application_get_default ())));
  start_waiting (self);
}

/* The Entra app Provisio can update itself, through Microsoft Graph: a
 * renewal, signed in, of a connection linked to its app; or %NULL. */
static const PvEntraLink *
hand_over_link (PvRenewWindow *self)
{
  PvEntraSession *entra = pv_application_get_entra (PV_APPLICATION (g_application_get_default ()));

  if (!pv_entra_session_get_signed_in (entra))
    return NULL;
  return pv_entra_config_get_link (pv_entra_session_get_config (entra), pv_tenant_info_get_id (self->tenant),
                                   self->kind);
}

static void
hand_over_clicked_cb (PvRenewWindow *self)
{
  PvEntraSession *entra = pv_application_get_entra (PV_APPLICATION (g_application_get_default ()));
  const PvEntraLink *link = hand_over_link (self);

  if (link == NULL || get_issued (self) == NULL || self->hand_over_rows[0] == NULL)
    return;
  gtk_widget_set_sensitive (self->hand_over_button, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->hand_over_result), FALSE);
  for (guint i = 0; i < PV_HAND_OVER_N_STEPS; i++)
    {
      gtk_widget_set_visible (self->hand_over_rows[i], TRUE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->hand_over_rows[i]), "");
      if (self->hand_over_icons[i] != NULL)
        adw_action_row_remove (ADW_ACTION_ROW (self->hand_over_rows[i]), self->hand_over_icons[i]);
      self->hand_over_icons[i] = NULL;
    }
  pv_renewal_hand_over_async (self->renewal, pv_entra_session_get_graph (entra), link, hand_over_step_cb, self,
                              self->cancellable, handed_over_cb, g_object_ref (self));
}

/* The hand-over group of the template, for the link there is: its button
 * and a row per step, or how to have one next time */
static void
add_hand_over (PvRenewWindow *self)
{
  const PvEntraLink *link = hand_over_link (self);
  GtkWidget *group = self->hand_over_group;
  g_autofree char *label = NULL;
  g_autofree char *description = NULL;

  gtk_widget_set_visible (group, TRUE);
  if (link == NULL)
    {
      /* Translators: "Users" or "Persons" */
      description = g_strdup_printf (_("Sign in to Microsoft Entra in Preferences and link the %s connection to "
                                       "its Entra app on the tenant's page, and Provisio does the steps below "
                                       "for you next time."), pv_guide_app_name (self->kind));
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
      return;
    }
  /* Translators: %s is an Entra app's name */
  description = g_strdup_printf (_("Through Microsoft Graph, Provisio saves the tenant URL and the new token in “%s”, "
                                   "has Entra test them, and restarts its job if it is in quarantine."),
                                 link->display_name);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  /* Translators: %s is an Entra app's name */
  label = g_strdup_printf (_("_Update “%s” for Me"), link->display_name);
  gtk_button_set_label (GTK_BUTTON (self->hand_over_button), label);
  gtk_widget_set_visible (self->hand_over_button, TRUE);
  /* A row per step, from the core, above the result (a label: after the rows) */
  for (guint i = 0; i < PV_HAND_OVER_N_STEPS; i++)
    {
      g_autofree char *title = pv_entra_hand_over_step_title (i, link->display_name);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      gtk_widget_set_visible (row, FALSE);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      self->hand_over_rows[i] = row;
    }
}

/* The identity provider's steps, from its guide, into the template's page */
static void
add_steps (PvRenewWindow *self)
{
  const char *idp = identity_provider (self);
  const char *app = pv_guide_app_name (self->kind);
  PvConnectionInfo *connection = get_connection (self);
  const char *url = connection ? pv_connection_info_get_scim_base_url (connection) : "";
  g_autoptr(GPtrArray) steps = self->setup
                                ? pv_guide_steps (idp, "setup", self->kind, tenant_name (self), url, NULL)
                                : pv_guide_renew_steps (idp, self->kind, tenant_name (self), url);
  GtkWidget *group = self->steps_group;
  g_autofree char *title = NULL;

  if (steps == NULL)
    g_error ("The setup guide of %s is broken", idp);
  /* Entra, and a secret to hand over: Provisio can do the steps itself. */
  if (!self->setup && get_issued (self) != NULL && g_strcmp0 (idp ? idp : "entra", "entra") == 0)
    add_hand_over (self);
  if (self->setup)
    /* Translators: "Users" or "Persons", then the identity provider */
    title = g_strdup_printf (_("Set Up the %s App in %s"), app, pv_guide_provider_name (idp));
  else
    /* Translators: "Users" or "Persons", then the identity provider */
    title = g_strdup_printf (_("Paste It Into the %s App of %s"), app,
                             pv_guide_provider_name (idp ? idp : "entra"));
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  for (guint i = 0; i < steps->len; i++)
    {
      PvGuideStep *step = g_ptr_array_index (steps, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      g_autofree char *numbered = g_strdup_printf ("%u. %s", i + 1, step->title);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), numbered);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), step->detail);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, step->title, -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      /* The values the step needs, and where it happens, from the guide */
      for (guint f = 0; step->fields[f]; f++)
        {
          GtkWidget *button;

          if (g_str_equal (step->fields[f], "secret-token"))
            {
              button = gtk_button_new_from_icon_name ("dialog-password-symbolic");
              gtk_widget_set_tooltip_text (button, _("Copy the new token again"));
              gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                              _("Copy the new token again"), -1);
              gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "renew.copy");
              gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
              gtk_widget_add_css_class (button, "flat");
            }
          else
            button = pv_copy_button_new (url, _("Tenant URL"));
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
        }
      if (step->link != NULL)
        {
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), link_button_new (step->link));
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  if (self->setup)
    add_mappings (self->mappings_group, idp);
  /* Resumed: the secret was shown when it was issued, and only then. */
  gtk_widget_set_visible (self->resumed_note, get_issued (self) == NULL);
}

/* Step 3: the secret, once */

static void
clear_clipboard (PvRenewWindow *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));

  g_clear_handle_id (&self->clipboard_id, g_source_remove);
  /* Only if it still holds what this window put there. */
  if (self->copied_at != 0 && gdk_clipboard_is_local (clipboard))
    gdk_clipboard_set_text (clipboard, "");
  self->copied_at = 0;
  gtk_widget_set_visible (GTK_WIDGET (self->clipboard_progress), FALSE);
  gtk_label_set_label (self->clipboard_label, _("The token is no longer on the clipboard"));
}

static gboolean
clipboard_tick_cb (gpointer user_data)
{
  PvRenewWindow *self = user_data;
  guint timeout = g_settings_get_uint (self->settings, "clipboard-timeout");
  gint64 left = timeout - (g_get_monotonic_time () - self->copied_at) / G_USEC_PER_SEC;
  g_autofree char *text = NULL;

  if (left <= 0)
    {
      self->clipboard_id = 0;
      clear_clipboard (self);
      return G_SOURCE_REMOVE;
    }
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Copied. The clipboard is cleared in %d second",
                                       "Copied. The clipboard is cleared in %d seconds", left), (int) left);
  gtk_label_set_label (self->clipboard_label, text);
  gtk_progress_bar_set_fraction (self->clipboard_progress, (double) left / timeout);
  return G_SOURCE_CONTINUE;
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  PvRenewWindow *self = PV_RENEW_WINDOW (widget);

  if (get_issued (self) == NULL)
    return;
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), get_issued (self)->secret);
  self->copied_at = g_get_monotonic_time ();
  gtk_widget_set_visible (GTK_WIDGET (self->clipboard_progress), TRUE);
  g_clear_handle_id (&self->clipboard_id, g_source_remove);
  self->clipboard_id = g_timeout_add (500, clipboard_tick_cb, self);
  clipboard_tick_cb (self);
  gtk_widget_set_sensitive (self->to_steps_button, TRUE);
}

static void
to_steps_cb (PvRenewWindow *self)
{
  /* Added now: in a setup, the steps are those of the provider chosen. */
  if (!self->steps_added)
    {
      self->steps_added = TRUE;
      add_steps (self);
    }
  show_step (self, "steps");
}

/* Signed in to Entra and linked: nothing to copy, Provisio hands the
 * token over at once; the steps page shows how it goes, and the manual
 * steps stay there if Graph refuses. */
static void
secret_hand_over_cb (PvRenewWindow *self)
{
  to_steps_cb (self);
  if (gtk_widget_get_visible (self->hand_over_button) && gtk_widget_get_sensitive (self->hand_over_button))
    hand_over_clicked_cb (self);
}

/* Step 1-2: issuing */

/* Back to the first page, saying what went wrong and what to do */
static void
show_intro_error (PvRenewWindow *self,
                  const GError  *error)
{
  g_autofree char *text = pv_error_advice (error);

  gtk_label_set_label (self->intro_error, text);
  gtk_widget_set_visible (GTK_WIDGET (self->intro_error), TRUE);
  show_step (self, "intro");
}

/* What stands in the way of a new token (the tenant's refusal, or what the
 * connection's tokens say it would be), who issued the token concerned and
 * when, and the one action that resolves it where there is one: replacing a
 * replacement nobody has used. */
static void
show_refusal (PvRenewWindow        *self,
              const PvIssueRefusal *refusal)
{
  g_autofree char *text = pv_issue_refusal_describe (refusal);
  gboolean can_replace = pv_issue_refusal_can_replace (refusal);

  g_clear_pointer (&self->replace_id, g_free);
  if (can_replace)
    self->replace_id = g_strdup (pv_token_info_get_id (refusal->token));
  gtk_label_set_label (self->refusal_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->refusal_label), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->intro_error), FALSE);
  gtk_widget_set_visible (self->replace_button, can_replace);
  if (!self->setup)
    gtk_widget_set_visible (self->issue_button, !can_replace);
}

/* What the connection's tokens, as last read, say stands in the way */
static void
show_pending (PvRenewWindow *self)
{
  PvConnectionInfo *connection = get_connection (self);
  g_autoptr(PvIssueRefusal) pending = connection ? pv_issue_refusal_for_connection (connection) : NULL;

  if (pending != NULL)
    {
      show_refusal (self, pending);
      return;
    }
  g_clear_pointer (&self->replace_id, g_free);
  gtk_widget_set_visible (GTK_WIDGET (self->refusal_label), FALSE);
  gtk_widget_set_visible (self->replace_button, FALSE);
  if (!self->setup)
    gtk_widget_set_visible (self->issue_button, TRUE);
}

/* The tenant as it is now, read when the assistant opens: another admin
 * or the identity provider may have changed it since the last refresh. */
static void
opened_refresh_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(PvRenewWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  /* Closed meanwhile: disposed, its widgets gone. */
  if (!pv_tenant_info_refresh_finish (PV_TENANT_INFO (source), result, &error) || self->cancellable == NULL)
    return;
  if (!self->refused && get_issued (self) == NULL && g_strcmp0 (pv_renew_window_get_step (self), "intro") == 0)
    show_pending (self);
}

/* The renewal moved on: issued (the secret, once), refused or failed
 * (back to the first page, saying why), done (the first use came). */
static void
step_changed_cb (PvRenewWindow *self)
{
  PvIssuedToken *issued = get_issued (self);

  switch (pv_renewal_get_step (self->renewal))
    {
    case PV_RENEWAL_INTRO:
      if (pv_renewal_get_refusal (self->renewal) != NULL)
        {
          self->refused = TRUE;
          show_refusal (self, pv_renewal_get_refusal (self->renewal));
          show_step (self, "intro");
          /* The tenant's page shows the token in the way too. */
          refresh_tenant (self);
        }
      else if (pv_renewal_get_error (self->renewal) != NULL)
        show_intro_error (self, pv_renewal_get_error (self->renewal));
      break;

    case PV_RENEWAL_ISSUING:
      show_step (self, "issuing");
      break;

    case PV_RENEWAL_ISSUED:
      /* Resumed: no secret, the steps page follows (pv_renew_window_new_setup()) */
      if (issued == NULL)
        break;
      g_clear_pointer (&self->replace_id, g_free);
      gtk_label_set_label (self->secret_label, issued->secret);
      if (!self->setup && g_strcmp0 (identity_provider (self) ? identity_provider (self) : "entra", "entra") == 0)
        {
          const PvEntraLink *link = hand_over_link (self);

          if (link != NULL)
            {
              /* Translators: %s is an Entra app's name */
              g_autofree char *label = g_strdup_printf (_("_Update “%s” for Me"), link->display_name);

              gtk_button_set_label (GTK_BUTTON (self->secret_hand_over_button), label);
              gtk_widget_set_visible (self->secret_hand_over_button, TRUE);
            }
        }
      show_step (self, "secret");
      /* The panels show the new token, waiting for its first use, even if
       * this window is closed now. */
      refresh_tenant (self);
      break;

    case PV_RENEWAL_WAITING:
      break;

    case PV_RENEWAL_DONE:
      if (!self->done)
        finish (self, pv_renewal_get_first_use (self->renewal));
      break;

    default:
      g_assert_not_reached ();
    }
}

/* Setup: the tenant learns which identity provider provisions the
 * connection, then the first token is issued. */
static void
setup_with (PvRenewWindow *self,
            const char    *idp)
{
  if (self->renewal == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->intro_error), FALSE);
  pv_renewal_issue (self->renewal, idp, NULL);
}

static void
entra_clicked_cb (PvRenewWindow *self)
{
  setup_with (self, "entra");
}

static void
okta_clicked_cb (PvRenewWindow *self)
{
  setup_with (self, "okta");
}

static void
issue_clicked_cb (PvRenewWindow *self)
{
  if (self->renewal == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->intro_error), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->refusal_label), FALSE);
  g_clear_pointer (&self->replace_id, g_free);
  pv_renewal_issue (self->renewal, NULL, NULL);
}

/* The unused replacement goes, a new one takes its place, in one request */
static void
replace_clicked_cb (PvRenewWindow *self)
{
  if (self->replace_id == NULL || self->renewal == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->intro_error), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->refusal_label), FALSE);
  pv_renewal_issue (self->renewal, NULL, self->replace_id);
}

/* Building the steps */

static char *
intro_text (PvRenewWindow *self)
{
  PvConnectionInfo *connection = get_connection (self);
  GListModel *tokens = connection ? pv_connection_info_get_tokens (connection) : NULL;
  const char *app = pv_guide_app_name (self->kind);
  const char *idp = pv_guide_provider_name (identity_provider (self) ? identity_provider (self) : "entra");
  g_autoptr(PvTokenInfo) current = tokens && g_list_model_get_n_items (tokens) ? g_list_model_get_item (tokens, 0) : NULL;
  g_autofree char *now_part = NULL;

  if (current != NULL)
    {
      gint64 now = pv_tenant_info_get_now (self->tenant, g_get_real_time () / G_USEC_PER_SEC);
      gint64 expires_at = pv_token_info_get_expires_at (current);
      g_autofree char *left = pv_format_days_left (expires_at, now);

      /* The truth for each state: an expired token works no more. */
      if (expires_at <= now)
        /* Translators: the current token's prefix, "expired 3 days ago", the identity provider */
        now_part = g_strdup_printf (_("The current token %s… %s: provisioning through this app has stopped, "
                                      "and starts again once %s uses the new token."),
                                    pv_token_info_get_prefix (current), left, idp);
      else
        /* Translators: the current token's prefix, "expires in 9 days", the identity provider */
        now_part = g_strdup_printf (_("The current token %s… %s and keeps working until %s has switched "
                                      "to the new one, whether you test or save first."),
                                    pv_token_info_get_prefix (current), left, idp);
    }
  /* Translators: the assistant's first page: the tenant, the app ("Users" or "Persons"), the identity provider */
  return g_strdup_printf (_("Provisio issues a new token for the %2$s app of %1$s. You paste it into the %2$s "
                            "app of %3$s — not the other app — and save it there. Once %3$s provisions with it "
                            "and no longer with the old token, the old one retires by itself. %4$s"),
                          tenant_name (self), app, idp, now_part ? now_part : "");
}

/* The words of the pages that depend on the connection and the kind of
 * assistant; the pages themselves are in pv-renew-window.ui. */
static void
set_up_pages (PvRenewWindow *self)
{
  const char *app = pv_guide_app_name (self->kind);
  const char *idp = identity_provider (self);
  const char *idp_name = pv_guide_provider_name (idp ? idp : "entra");
  g_autofree char *window_title = NULL;
  g_autofree char *wait_title = NULL;
  g_autofree char *wait_text = NULL;
  g_autofree char *done_title = NULL;

  if (self->setup)
    /* Translators: the setup assistant's title: "Users" or "Persons" */
    window_title = g_strdup_printf (_("Set Up %s Provisioning"), app);
  else
    /* Translators: the renew assistant's title: "Users" or "Persons" */
    window_title = g_strdup_printf (_("Renew %s Token"), app);
  adw_window_title_set_title (self->title, window_title);
  adw_window_title_set_subtitle (self->title, tenant_name (self));
  gtk_window_set_title (GTK_WINDOW (self), window_title);

  /* intro */
  adw_status_page_set_title (self->intro_page, window_title);
  gtk_widget_set_visible (self->entra_button, self->setup);
  gtk_widget_set_visible (self->okta_button, self->setup);
  gtk_widget_set_visible (self->issue_button, !self->setup);
  if (self->setup)
    {
      g_autofree char *setup_intro = NULL;

      /* Translators: the setup assistant's first page: "Users" or "Persons", then the tenant */
      setup_intro = g_strdup_printf (_("Provisio records which identity provider provisions the %s app of %s, issues "
                                       "its first token and guides you through the setup there, until the first "
                                       "SCIM request arrives. Users and Persons each get their own app."),
                                     app, tenant_name (self));
      adw_status_page_set_icon_name (self->intro_page, "list-add-symbolic");
      adw_status_page_set_description (self->intro_page, setup_intro);
    }
  else
    {
      g_autofree char *intro = intro_text (self);

      adw_status_page_set_icon_name (self->intro_page, "view-refresh-symbolic");
      adw_status_page_set_description (self->intro_page, intro);
      /* A replacement issued before (an answer lost, an assistant closed
       * before its token was copied, another admin): said at once, with
       * what to do about it, and again once the tenant has been read. */
      show_pending (self);
    }

  /* waiting */
  /* Translators: %s is the identity provider */
  wait_title = g_strdup_printf (_("Waiting for %s"), idp_name);
  wait_text = g_strdup_printf (g_strcmp0 (idp, "okta") == 0
                               ? _("Okta uses the new token with its next provisioning request. You may close "
                                   "this window: the %s panel shows the token as waiting for its first use.")
                               : _("Entra uses the new token from its next provisioning cycle, which can take up to "
                                   "40 minutes. You may close this window: the %s panel shows the token as waiting "
                                   "for its first use."), app);
  adw_status_page_set_title (ADW_STATUS_PAGE (self->wait_page), wait_title);
  adw_status_page_set_description (ADW_STATUS_PAGE (self->wait_page), wait_text);

  /* done */
  /* Translators: "Users" or "Persons" */
  done_title = g_strdup_printf (_("The %s App Uses the New Token"), app);
  adw_status_page_set_title (self->done_page, done_title);
  show_step (self, "intro");
}

/* GtkWindow */

static gboolean
pv_renew_window_close_request (GtkWindow *window)
{
  PvRenewWindow *self = PV_RENEW_WINDOW (window);
  GtkWindow *parent = gtk_window_get_transient_for (window);

  if (get_token_id (self) != NULL && !self->done && parent != NULL)
    {
      g_autofree char *text = self->setup
        /* Translators: "Users" or "Persons" */
        ? g_strdup_printf (_("The setup of the %s app continues from the tenant's page"), pv_guide_app_name (self->kind))
        /* Translators: "Users" or "Persons" */
        : g_strdup_printf (_("The new %s token waits for its first use; the old one keeps working"),
                           pv_guide_app_name (self->kind));

      gtk_widget_activate_action (GTK_WIDGET (parent), "win.toast", "s", text);
    }
  if (self->copied_at != 0)
    clear_clipboard (self);
  return GTK_WINDOW_CLASS (pv_renew_window_parent_class)->close_request (window);
}

static void
pv_renew_window_dispose (GObject *object)
{
  PvRenewWindow *self = PV_RENEW_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->clipboard_id, g_source_remove);
  g_clear_handle_id (&self->wait_id, g_source_remove);
  g_clear_handle_id (&self->switch_id, g_source_remove);
  /* What was issued stays issued; the secret is zeroed with the renewal. */
  if (self->renewal != NULL)
    pv_renewal_cancel (self->renewal);
  g_clear_object (&self->renewal);
  g_clear_object (&self->tenants);
  g_clear_object (&self->tenant);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PV_TYPE_RENEW_WINDOW);

  G_OBJECT_CLASS (pv_renew_window_parent_class)->dispose (object);
}

static void
pv_renew_window_finalize (GObject *object)
{
  PvRenewWindow *self = PV_RENEW_WINDOW (object);

  g_free (self->kind);
  g_free (self->replace_id);

  G_OBJECT_CLASS (pv_renew_window_parent_class)->finalize (object);
}

static void
pv_renew_window_class_init (PvRenewWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = pv_renew_window_dispose;
  object_class->finalize = pv_renew_window_finalize;
  window_class->close_request = pv_renew_window_close_request;
  gtk_widget_class_install_action (widget_class, "renew.copy", NULL, copy_action);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/provisio/Provisio/ui/pv-renew-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, title);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, intro_page);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, intro_error);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, refusal_label);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, replace_button);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, entra_button);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, okta_button);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, issue_button);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, secret_label);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, clipboard_label);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, clipboard_progress);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, to_steps_button);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, secret_hand_over_button);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, hand_over_group);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, hand_over_button);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, hand_over_result);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, steps_group);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, mappings_group);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, resumed_note);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, wait_page);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, verify_group);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, wait_progress);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, wait_label);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, event_list);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, demo_button);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, done_page);
  gtk_widget_class_bind_template_child (widget_class, PvRenewWindow, done_label);
  gtk_widget_class_bind_template_child_full (widget_class, "switch_label_waiting", FALSE,
                                             G_STRUCT_OFFSET (PvRenewWindow, switch_labels[0]));
  gtk_widget_class_bind_template_child_full (widget_class, "switch_label_done", FALSE,
                                             G_STRUCT_OFFSET (PvRenewWindow, switch_labels[1]));
  gtk_widget_class_bind_template_callback (widget_class, replace_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, entra_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, okta_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, issue_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, to_steps_cb);
  gtk_widget_class_bind_template_callback (widget_class, secret_hand_over_cb);
  gtk_widget_class_bind_template_callback (widget_class, demo_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, hand_over_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, start_waiting);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pv_renew_window_init (PvRenewWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

static PvRenewWindow *
assistant_new (PvTenantList *tenants,
               PvTenantInfo *tenant,
               const char   *kind,
               gboolean      setup)
{
  PvRenewWindow *self = g_object_new (PV_TYPE_RENEW_WINDOW, NULL);
  GApplication *app = g_application_get_default ();
  PvClient *client = pv_tenant_list_get_client (tenants, tenant);

  self->tenants = g_object_ref (tenants);
  self->tenant = g_object_ref (tenant);
  self->kind = g_strdup (kind);
  self->setup = setup;
  if (client != NULL)
    {
      self->renewal = pv_renewal_new (client, pv_tenant_info_get_id (tenant), kind, setup,
                                      pv_application_get_setups (PV_APPLICATION (app)));
      g_signal_connect_object (self->renewal, "notify::step", G_CALLBACK (step_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->renewal, "watch-error", G_CALLBACK (watch_error_cb), self, 0);
    }
  self->settings = g_object_ref (pv_application_get_settings (PV_APPLICATION (app)));
  set_up_pages (self);
  gtk_widget_set_visible (self->demo_button, pv_application_get_demo (PV_APPLICATION (app)));
  if (!setup && pv_tenant_list_get_client (tenants, tenant) != NULL)
    pv_tenant_info_refresh_async (tenant, pv_tenant_list_get_client (tenants, tenant), self->cancellable,
                                  opened_refresh_cb, g_object_ref (self));
  return self;
}

/**
 * pv_renew_window_new:
 * @kind: "users" or "persons"
 *
 * Returns: (transfer full): the renew assistant for one connection of @tenant;
 *   for a tracked app, its paste-once assistant (#PvPasteRenewWindow)
 */
GtkWindow *
pv_renew_window_new (PvTenantList *tenants,
                     PvTenantInfo *tenant,
                     const char   *kind)
{
  PvTrackedApp *app = pv_tenant_list_get_tracked_app (tenants, tenant);

  /* A tracked app's new token is made in its vendor's console: pasted once */
  if (app != NULL)
    return GTK_WINDOW (pv_paste_renew_window_new (tenants, app, kind));
  return GTK_WINDOW (assistant_new (tenants, tenant, kind, FALSE));
}

/**
 * pv_renew_window_new_setup:
 * @idp: (nullable): to resume a setup: the identity provider chosen
 * @token_id: (nullable): to resume: the token it issued, whose secret is gone
 *
 * Returns: (transfer full): the first-time setup assistant for a connection
 *   that has no token, or, resumed, the setup's steps and the wait for the
 *   first request
 */
GtkWindow *
pv_renew_window_new_setup (PvTenantList *tenants,
                           PvTenantInfo *tenant,
                           const char   *kind,
                           const char   *idp,
                           const char   *token_id)
{
  PvRenewWindow *self = assistant_new (tenants, tenant, kind, TRUE);

  if (idp != NULL && token_id != NULL && self->renewal != NULL)
    {
      pv_renewal_resume (self->renewal, idp, token_id);
      to_steps_cb (self);
    }
  return GTK_WINDOW (self);
}
