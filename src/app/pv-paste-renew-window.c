/* pv-paste-renew-window.c: renewing a tracked app's token, pasted once
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-paste-renew-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pv-app-page.h"
#include "pv-application.h"
#include "pv-credentials.h"
#include "pv-entra-session.h"
#include "pv-entra.h"
#include "pv-error.h"
#include "pv-guide.h"
#include "pv-paste-renew-window.h"
#include "pv-time.h"
#include "pv-token.h"
#include "pv-tracked-add.h"
#include "pv-vendor.h"
#include "pv-widgets.h"

/* The renew assistant of a tracked connection: what happens in the
 * vendor's console and its steps; the new token pasted once, tried against
 * the vendor before anything else (pv_tracked_app_paste_async()); the
 * identity provider's steps with the token to copy; then, once it has it,
 * the new token recorded and the old one forgotten.  Handed to Entra
 * through Graph, "has it" means that a provisioning cycle since succeeded
 * with it: the window reads the linked job every minute (or when asked)
 * until then.  Closing midway loses nothing: the pasted token waits in the
 * keyring, apps.ini says when Entra got it, and opening the window again
 * continues from there. */

struct _PvPasteRenewWindow
{
  AdwWindow     parent_instance;

  PvTenantList *tenants;
  GCancellable *cancellable;
  char         *app_id;
  char         *kind;
  char         *scim_base_url;
  char         *app_name;
  PvVendor     *vendor;
  GtkWidget    *token_row;
  GtkWidget    *expires_row;
  GtkWidget    *paste_button;
  GtkWidget    *idp_group;
  GtkWidget    *token_copy_row;
  GtkWidget    *copy_button;
  GtkWidget    *done_button;
  GtkWidget    *graph_button;
  GtkWidget    *check_button;
  char         *token;        /* the pasted token, for the hand-over through Graph */
  gint64        sent_at;      /* handed to Entra through Graph then; 0: not */
  guint         watch_source;
  gboolean      reading_job;
  GtkLabel     *status_label;
  GtkLabel     *error_label;
};

G_DEFINE_FINAL_TYPE (PvPasteRenewWindow, pv_paste_renew_window, ADW_TYPE_WINDOW)

static void
show_error (PvPasteRenewWindow *self,
            const char         *text)
{
  gtk_label_set_label (self->error_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), text != NULL);
}

static GFile *
apps_file (PvPasteRenewWindow *self)
{
  return pv_tenant_list_get_apps_file (self->tenants);
}

static PvEntraSession *
entra_session (void)
{
  return pv_application_get_entra (PV_APPLICATION (g_application_get_default ()));
}

/* The Entra app linked to this connection, when signed in */
static const PvEntraLink *
entra_link (PvPasteRenewWindow *self)
{
  PvEntraSession *entra = entra_session ();

  if (entra == NULL || !pv_entra_session_get_signed_in (entra))
    return NULL;
  return pv_entra_config_get_link (pv_entra_session_get_config (entra), self->app_id, self->kind);
}

static void done_clicked_cb (PvPasteRenewWindow *self);
static void watch_job       (PvPasteRenewWindow *self);

static gboolean
watch_timeout_cb (gpointer user_data)
{
  PvPasteRenewWindow *self = user_data;

  self->watch_source = 0;
  watch_job (self);
  return G_SOURCE_REMOVE;
}

static void
watch_later (PvPasteRenewWindow *self)
{
  g_clear_handle_id (&self->watch_source, g_source_remove);
  self->watch_source = g_timeout_add_seconds (PV_ENTRA_CYCLE_POLL_SECONDS, watch_timeout_cb, self);
}

/* Step 5 through Graph: what the linked job did since Entra got the token */
static void
job_read_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(PvPasteRenewWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PvEntraJob) job = pv_entra_get_job_finish (result, &error);
  g_autofree char *state = NULL;
  g_autofree char *text = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self->reading_job = FALSE;
  gtk_widget_set_sensitive (self->check_button, TRUE);
  if (job == NULL)
    {
      /* Translators: %s is what went wrong */
      text = g_strdup_printf (_("Provisio cannot read Entra's provisioning job: %s. It tries again in a minute; "
                                "nothing is lost."), error->message);
      show_error (self, text);
      watch_later (self);
      return;
    }
  show_error (self, NULL);
  state = pv_entra_job_describe (job, g_get_real_time () / G_USEC_PER_SEC);
  switch (pv_entra_job_cycle_since (job, self->sent_at))
    {
    case PV_ENTRA_CYCLE_SUCCEEDED:
      gtk_widget_set_visible (self->check_button, FALSE);
      done_clicked_cb (self);
      break;
    case PV_ENTRA_CYCLE_FAILED:
      /* Translators: the job's state, then what it failed with */
      text = g_strdup_printf (_("Entra's provisioning failed with the new token: %s%s%s. Nothing was recorded: "
                                "the new token waits in the keyring. See the Entra app's provisioning logs, then "
                                "hand it over again, or paste another new token."),
                              state, job->quarantine_error ? ": " : "",
                              job->quarantine_error ? job->quarantine_error : "");
      show_error (self, text);
      gtk_widget_set_visible (self->check_button, FALSE);
      gtk_widget_set_visible (self->graph_button, TRUE);
      gtk_widget_set_sensitive (self->paste_button, TRUE);
      gtk_widget_set_sensitive (self->token_row, TRUE);
      break;
    case PV_ENTRA_CYCLE_WAITING:
    default:
      /* Translators: the job's state, such as "Active; last successful run 20 minutes ago" */
      text = g_strdup_printf (_("Entra has the new token but has not provisioned with it yet (%s). Provisio records "
                                "it, and forgets the old one, once Entra's next cycle succeeds with it (within 40 "
                                "minutes). Closing this window loses nothing."), state);
      gtk_label_set_label (self->status_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
      watch_later (self);
      break;
    }
}

static void
watch_job (PvPasteRenewWindow *self)
{
  const PvEntraLink *link = entra_link (self);

  g_clear_handle_id (&self->watch_source, g_source_remove);
  if (self->reading_job)
    return;
  if (link == NULL)
    {
      /* Signed out meanwhile: the admin's word, as without Graph */
      gtk_widget_set_visible (self->check_button, FALSE);
      gtk_widget_set_visible (self->done_button, TRUE);
      return;
    }
  self->reading_job = TRUE;
  gtk_widget_set_sensitive (self->check_button, FALSE);
  pv_entra_get_job_async (pv_entra_session_get_graph (entra_session ()), link->service_principal_id,
                          link->job_id, self->cancellable, job_read_cb, g_object_ref (self));
}

static void
start_watching (PvPasteRenewWindow *self)
{
  gtk_widget_set_visible (self->graph_button, FALSE);
  gtk_widget_set_visible (self->done_button, FALSE);
  gtk_widget_set_visible (self->check_button, TRUE);
  watch_job (self);
}

static void
sent_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(PvPasteRenewWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  PvTrackedApp *app = pv_tracked_app_sent_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (app == NULL)
    {
      show_error (self, error->message);
      return;
    }
  pv_tenant_list_add_tracked_app (self->tenants, app, NULL, NULL);
  start_watching (self);
}

static void
graph_handed_over_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(PvPasteRenewWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PvEntraJob) job = pv_entra_hand_over_finish (result, &error);
  g_autoptr(GFile) file = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (self->graph_button, TRUE);
  file = apps_file (self);
  if (job == NULL)
    {
      /* Translators: %s is what went wrong */
      g_autofree char *text = g_strdup_printf (_("Entra was not updated: %s. Nothing is lost: the new token is "
                                                 "valid and the old one keeps working. Follow the steps below by "
                                                 "hand, or try again."), error->message);

      show_error (self, text);
      return;
    }
  pv_entra_session_refresh_health (entra_session ());
  /* Entra saved and tested it: recorded once a cycle provisioned with it */
  pv_tracked_app_sent_async (file, self->app_id, self->kind, self->sent_at, self->cancellable, sent_cb,
                             g_object_ref (self));
}

/* Step 4 through Microsoft Graph: the existing hand-over (save, have Entra
 * test, restart a quarantined job) */
static void
graph_clicked_cb (PvPasteRenewWindow *self)
{
  const PvEntraLink *link = entra_link (self);

  if (link == NULL || self->token == NULL)
    return;
  show_error (self, NULL);
  gtk_widget_set_sensitive (self->graph_button, FALSE);
  self->sent_at = g_get_real_time () / G_USEC_PER_SEC;
  pv_entra_hand_over_async (pv_entra_session_get_graph (entra_session ()), link, self->scim_base_url, self->token,
                            NULL, NULL, self->cancellable, graph_handed_over_cb, g_object_ref (self));
}

/* Step 4: the identity provider's steps, with the token to copy */
static void
show_hand_over (PvPasteRenewWindow *self,
                const char         *token)
{
  const PvEntraLink *link = entra_link (self);

  g_clear_pointer (&self->token, pv_secret_free);
  self->token = g_strdup (token);
  /* Pasted again after a failed cycle: only the newest token to copy */
  if (self->copy_button != NULL)
    adw_action_row_remove (ADW_ACTION_ROW (self->token_copy_row), self->copy_button);
  self->copy_button = pv_copy_button_new (token, _("New token"));
  if (link != NULL)
    {
      /* Translators: %s is an Entra app's name */
      g_autofree char *label = g_strdup_printf (_("_Update “%s” for Me"), link->display_name);

      gtk_button_set_label (GTK_BUTTON (self->graph_button), label);
      gtk_widget_set_visible (self->graph_button, TRUE);
    }
  else
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->idp_group),
                                           _("Press “The Identity Provider Has It” once it provisions with the new "
                                             "token: its provisioning logs show a cycle since you pasted it that "
                                             "succeeded (Entra: the app's Provisioning logs; Okta: the app's Push "
                                             "Status). Until then the old token is the one in use."));

  adw_action_row_add_suffix (ADW_ACTION_ROW (self->token_copy_row), self->copy_button);
  gtk_widget_set_visible (self->idp_group, TRUE);
  gtk_widget_set_sensitive (self->paste_button, FALSE);
  gtk_widget_set_sensitive (self->token_row, FALSE);
  gtk_label_set_label (self->status_label,
                       _("The vendor accepts the new token. It is kept in the keyring until the identity provider "
                         "has it: closing this window loses nothing."));
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), TRUE);
}

static void
handed_over_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PvPasteRenewWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  PvTrackedApp *app = pv_tracked_app_handed_over_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (self->done_button, TRUE);
  /* Entra's health, read after a refresh, showed the same cycle first: the
   * app recorded it meanwhile (pv-application.c) */
  if (app == NULL && !(self->sent_at != 0 && g_error_matches (error, PV_ERROR, PV_ERROR_NOT_FOUND)))
    {
      show_error (self, error->message);
      return;
    }
  if (app != NULL)
    {
      pv_tenant_list_add_tracked_app (self->tenants, app, NULL, NULL);
      /* The old token's verdict is forgotten: the new one is asked about now */
      pv_application_refresh (PV_APPLICATION (g_application_get_default ()));
    }
  gtk_widget_set_sensitive (self->done_button, FALSE);
  if (!self->vendor->old_token_dies && self->vendor->max_active != 1)
    {
      g_autofree char *text = g_strdup_printf (_("Done. %s keeps the old token: delete it in its console once the "
                                                 "identity provider provisions with the new one."),
                                               self->vendor->name);

      gtk_label_set_label (self->status_label, text);
    }
  else
    gtk_label_set_label (self->status_label, _("Done. The new token is recorded, the old one forgotten."));
}

static void
done_clicked_cb (PvPasteRenewWindow *self)
{
  g_autoptr(GFile) file = apps_file (self);

  show_error (self, NULL);
  gtk_widget_set_sensitive (self->done_button, FALSE);
  pv_tracked_app_handed_over_async (file, self->app_id, self->kind, self->cancellable, handed_over_cb,
                                    g_object_ref (self));
}

static void
pasted_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(PvPasteRenewWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  char *token = NULL;
  PvTrackedApp *app = pv_tracked_app_paste_finish (result, &token, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_widget_set_sensitive (self->paste_button, TRUE);
  gtk_widget_set_sensitive (self->graph_button, TRUE);
  gtk_widget_set_sensitive (self->done_button, TRUE);
  if (app == NULL)
    {
      show_error (self, error->message);
      return;
    }
  pv_tenant_list_add_tracked_app (self->tenants, app, NULL, NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->token_row), "");
  show_hand_over (self, token);
  pv_secret_free (token);
}

/* Step 3: the new token, pasted once */
static void
paste_clicked_cb (PvPasteRenewWindow *self)
{
  g_autoptr(GFile) file = apps_file (self);
  const char *expires = gtk_editable_get_text (GTK_EDITABLE (self->expires_row));
  gint64 entered_expiry = 0;

  if (*expires != '\0')
    {
      g_autofree char *day = g_strconcat (g_strstrip (g_strdup (expires)), "T00:00:00Z", NULL);

      if (!pv_time_parse (day, &entered_expiry))
        {
          show_error (self, _("Write the expiry date as 2027-01-31."));
          return;
        }
    }
  show_error (self, NULL);
  gtk_widget_set_sensitive (self->paste_button, FALSE);
  /* Pasted again after a failed cycle: nothing is handed over meanwhile */
  gtk_widget_set_sensitive (self->graph_button, FALSE);
  gtk_widget_set_sensitive (self->done_button, FALSE);
  pv_tracked_app_paste_async (file, self->app_id, self->kind, gtk_editable_get_text (GTK_EDITABLE (self->token_row)),
                              0, entered_expiry, self->cancellable, pasted_cb, g_object_ref (self));
}

/* Opened again before the hand-over: the pasted token from the keyring */
static void
pending_found_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(PvPasteRenewWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  char *token = pv_credentials_lookup_finish (result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (token == NULL)
    {
      show_error (self, error->message);
      return;
    }
  show_hand_over (self, token);
  pv_secret_free (token);
  /* Entra had it already: watch its job again */
  if (self->sent_at != 0 && entra_link (self) != NULL)
    start_watching (self);
}

static void
pv_paste_renew_window_dispose (GObject *object)
{
  PvPasteRenewWindow *self = PV_PASTE_RENEW_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->watch_source, g_source_remove);
  g_clear_object (&self->tenants);
  g_clear_pointer (&self->app_id, g_free);
  g_clear_pointer (&self->kind, g_free);
  g_clear_pointer (&self->scim_base_url, g_free);
  g_clear_pointer (&self->app_name, g_free);
  g_clear_pointer (&self->vendor, pv_vendor_free);
  g_clear_pointer (&self->token, pv_secret_free);

  G_OBJECT_CLASS (pv_paste_renew_window_parent_class)->dispose (object);
}

static void
pv_paste_renew_window_class_init (PvPasteRenewWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pv_paste_renew_window_dispose;
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
pv_paste_renew_window_init (PvPasteRenewWindow *self)
{
  self->cancellable = g_cancellable_new ();
  gtk_window_set_modal (GTK_WINDOW (self), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (self), 600, 720);
}

static GtkLabel *
status_label_new (const char *css_class)
{
  GtkLabel *label = GTK_LABEL (gtk_label_new (NULL));

  gtk_label_set_wrap (label, TRUE);
  gtk_label_set_xalign (label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (label), css_class);
  gtk_widget_set_visible (GTK_WIDGET (label), FALSE);
  return label;
}

/**
 * pv_paste_renew_window_new:
 * @app: the tracked app
 * @kind: its connection to renew
 *
 * Returns: (transfer full): the renew assistant of that connection
 */
PvPasteRenewWindow *
pv_paste_renew_window_new (PvTenantList       *tenants,
                           const PvTrackedApp *app,
                           const char         *kind)
{
  PvPasteRenewWindow *self = g_object_new (PV_TYPE_PASTE_RENEW_WINDOW, NULL);
  PvTrackedConnection *connection = pv_tracked_app_get_connection ((PvTrackedApp *) app, kind);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *header = adw_header_bar_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *console = adw_preferences_group_new ();
  GtkWidget *paste = adw_preferences_group_new ();
  GtkWidget *status = adw_preferences_group_new ();
  g_autoptr(GPtrArray) vendor_steps = NULL;
  g_autoptr(GPtrArray) idp_steps = NULL;
  g_autofree char *title = NULL;
  g_autofree char *console_title = NULL;

  self->tenants = g_object_ref (tenants);
  self->app_id = g_strdup (app->id);
  self->kind = g_strdup (kind);
  self->scim_base_url = g_strdup (connection->scim_base_url);
  self->app_name = g_strdup (app->name);
  self->vendor = pv_vendor_lookup (app->vendor, NULL);
  if (self->vendor == NULL)
    self->vendor = pv_vendor_lookup ("other", NULL);

  /* Translators: "Users" or "Persons", then an app's name */
  title = g_strdup_printf (_("Renew the %s Token of %s"), pv_guide_app_name (kind), app->name);
  gtk_window_set_title (GTK_WINDOW (self), title);

  /* 1 and 2: what happens in the vendor's console, its steps */
  /* Translators: a vendor's name */
  console_title = g_strdup_printf (_("In the Console of %s"), self->vendor->name);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (console), console_title);
  pv_app_page_describe_console (console, self->vendor);
  vendor_steps = pv_vendor_renew_steps (self->vendor, kind, app->name, connection->scim_base_url);
  pv_app_page_add_steps (console, vendor_steps);

  /* 3: the token, pasted once */
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (paste), _("Paste the New Token"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (paste),
                                         _("Provisio tries it against the vendor's SCIM endpoint before anything "
                                           "else: a token the vendor refuses goes no further."));
  self->token_row = adw_password_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->token_row), _("New token"));
  self->expires_row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->expires_row), _("Expires on, such as 2027-01-31"));
  self->paste_button = gtk_button_new_with_mnemonic (_("_Check and Keep"));
  gtk_widget_add_css_class (self->paste_button, "suggested-action");
  gtk_widget_set_valign (self->paste_button, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (self->paste_button, "clicked", G_CALLBACK (paste_clicked_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (paste), self->token_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (paste), self->expires_row);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (paste), self->paste_button);

  /* 4 and 5: the identity provider's steps, the token to copy, then done */
  self->idp_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->idp_group),
                                   pv_guide_provider_name (self->vendor->identity_providers[0]));
  idp_steps = pv_guide_renew_steps (self->vendor->identity_providers[0], kind, app->name, connection->scim_base_url);
  self->token_copy_row = pv_info_row_new (_("New token"), _("Copied only with this button"), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->idp_group), self->token_copy_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->idp_group),
                             pv_info_row_new (_("SCIM base URL"), connection->scim_base_url, TRUE));
  pv_app_page_add_steps (self->idp_group, idp_steps);
  self->done_button = gtk_button_new_with_mnemonic (_("The Identity Provider _Has It"));
  gtk_widget_add_css_class (self->done_button, "suggested-action");
  gtk_widget_set_valign (self->done_button, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (self->done_button, "clicked", G_CALLBACK (done_clicked_cb), self);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (self->idp_group), self->done_button);
  self->graph_button = gtk_button_new ();
  gtk_button_set_use_underline (GTK_BUTTON (self->graph_button), TRUE);
  gtk_widget_add_css_class (self->graph_button, "pill");
  gtk_widget_set_halign (self->graph_button, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (self->graph_button, 12);
  gtk_widget_set_visible (self->graph_button, FALSE);
  g_signal_connect_swapped (self->graph_button, "clicked", G_CALLBACK (graph_clicked_cb), self);
  self->check_button = gtk_button_new_with_mnemonic (_("Check _Now"));
  gtk_widget_add_css_class (self->check_button, "pill");
  gtk_widget_set_halign (self->check_button, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (self->check_button, 12);
  gtk_widget_set_visible (self->check_button, FALSE);
  g_signal_connect_swapped (self->check_button, "clicked", G_CALLBACK (watch_job), self);
  gtk_widget_set_visible (self->idp_group, FALSE);

  self->status_label = status_label_new ("accent");
  self->error_label = status_label_new ("error");
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (status), GTK_WIDGET (self->status_label));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (status), GTK_WIDGET (self->error_label));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (status), self->graph_button);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (status), self->check_button);

  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (console));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (paste));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (status));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (self->idp_group));
  gtk_box_append (GTK_BOX (box), header);
  gtk_box_append (GTK_BOX (box), page);
  gtk_widget_set_vexpand (page, TRUE);
  adw_window_set_content (ADW_WINDOW (self), box);

  /* Closed midway before: continue with the pasted token */
  if (connection->pending_since != 0)
    {
      g_autofree char *credential = pv_tracked_app_credential_id (app, kind);

      self->sent_at = connection->sent_at;
      pv_credentials_lookup_async (credential, PV_CREDENTIAL_APP_TOKEN_PENDING, self->cancellable,
                                   pending_found_cb, g_object_ref (self));
    }
  return self;
}
