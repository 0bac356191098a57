/* pv-tenant-page.c: one tenant: its SSO panel and its provisioning panels
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisio"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-connection-info.h"
#include "pv-connection-panel.h"
#include "pv-overview.h"
#include "pv-sso-info.h"
#include "pv-application.h"
#include "pv-app-page.h"
#include "pv-tenant-page.h"
#include "pv-widgets.h"

struct _PvTenantPage
{
  AdwBin        parent_instance;

  PvTenantInfo *tenant;
  PvTenantList *tenants;
  GSignalGroup *signals;
  GtkWidget    *page;     /* AdwPreferencesPage, built anew on each change */
};

G_DEFINE_FINAL_TYPE (PvTenantPage, pv_tenant_page, ADW_TYPE_BIN)

static void
removed_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GtkWidget) widget = user_data;
  g_autoptr(GError) error = NULL;

  if (!pv_tenant_list_remove_finish (PV_TENANT_LIST (source), result, &error))
    pv_toast (widget, error->message);
}

static void
remove_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    PvTenantPage     *self)
{
  if (!g_str_equal (response, "remove") || self->tenant == NULL)
    return;
  pv_tenant_list_remove_async (self->tenants, self->tenant, NULL, removed_cb, g_object_ref (GTK_WIDGET (self)));
}

static void
remove_clicked_cb (GtkButton    *button,
                   PvTenantPage *self)
{
  GtkWidget *dialog;
  const char *name = pv_tenant_info_get_name (self->tenant);

  /* Translators: %s is a tenant's name */
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), NULL, NULL);
  adw_message_dialog_format_heading (ADW_MESSAGE_DIALOG (dialog), _("Forget %s?"),
                                     name ? name : pv_tenant_info_get_id (self->tenant));
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog),
                               _("Provisio forgets the tenant and deletes its admin API key from the keyring. "
                                 "Nothing changes on the tenant: its tokens keep working."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "remove", _("_Forget"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static GtkWidget *
tenant_group_new (PvTenantPage *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *remove = gtk_button_new_with_mnemonic (_("_Forget…"));
  const GError *error = pv_tenant_info_get_error (self->tenant);
  gint64 fetched = pv_tenant_info_get_fetched_at (self->tenant);
  g_autofree char *when = NULL;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Tenant"));
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_tooltip_text (remove, _("Forget this tenant and its admin API key"));
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_clicked_cb), self);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), remove);

  if (error != NULL)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
      g_autofree char *advice = pv_error_advice (error);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Could not be asked"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), advice);
      gtk_widget_add_css_class (icon, "pv-expired");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             pv_info_row_new (_("Management API"), pv_tenant_info_get_base_url (self->tenant), TRUE));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             pv_info_row_new (_("Admin API key of"), pv_tenant_info_get_account (self->tenant), FALSE));
  if (fetched > 0)
    {
      g_autofree char *relative = pv_format_relative (fetched, g_get_real_time () / G_USEC_PER_SEC);
      g_autofree char *date = pv_format_date (fetched);

      when = g_strdup_printf ("%s (%s)", relative, date);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             pv_info_row_new (_("Last fetched"), when ? when : _("Never"), FALSE));
  return group;
}

static GtkWidget *
sso_group_new (PvTenantPage *self)
{
  GtkWidget *group = adw_preferences_group_new ();
  PvSsoInfo *sso = pv_tenant_info_get_sso (self->tenant);
  gint64 not_after = pv_sso_info_get_certificate_not_after (sso);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Single Sign-On"));
  if (!pv_sso_info_get_configured (sso))
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Not set up"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("People sign in to this tenant with its own passwords"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      return group;
    }
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         pv_sso_info_get_enforced (sso) ? _("Enforced: everyone signs in through the identity provider")
                                                                        : _("Optional: people may still use passwords"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             pv_info_row_new (_("Protocol"), pv_sso_info_get_protocol (sso), FALSE));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             pv_info_row_new (_("Entity ID"), pv_sso_info_get_entity_id (sso), TRUE));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             pv_info_row_new (_("Reply URL"), pv_sso_info_get_reply_url (sso), TRUE));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             pv_info_row_new (_("Sign-on URL"), pv_sso_info_get_sign_on_url (sso), TRUE));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             pv_info_row_new (_("Metadata URL"), pv_sso_info_get_metadata_url (sso), TRUE));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             pv_info_row_new (_("Identity provider"), pv_sso_info_get_idp_entity_id (sso), TRUE));
  if (pv_sso_info_get_certificate_subject (sso) != NULL)
    {
      GtkWidget *row = pv_info_row_new (_("Signing certificate"), pv_sso_info_get_certificate_subject (sso), FALSE);
      GtkWidget *fingerprint = pv_info_row_new (_("SHA-256 fingerprint"),
                                                pv_sso_info_get_certificate_fingerprint (sso), TRUE);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), fingerprint);
    }
  if (not_after > 0)
    {
      g_autofree char *left = pv_format_days_left (not_after, g_get_real_time () / G_USEC_PER_SEC);
      g_autofree char *date = pv_format_date (not_after);
      g_autofree char *text = g_strdup_printf ("%s (%s)", left, date);
      GtkWidget *row = pv_info_row_new (_("Certificate expiry"), text, FALSE);

      adw_action_row_add_suffix (ADW_ACTION_ROW (row), pv_state_pill_new (pv_sso_info_get_certificate_state (sso)));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  return group;
}

static gboolean
restore_scroll_cb (GtkWidget     *scrolled,
                   GdkFrameClock *clock,
                   gpointer       user_data)
{
  GtkAdjustment *adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));

  gtk_adjustment_set_value (adj, *(double *) user_data);
  return G_SOURCE_REMOVE;
}

static void
rebuild (PvTenantPage *self)
{
  GtkWidget *page = adw_preferences_page_new ();
  GListModel *connections;
  PvTrackedApp *app;

  if (self->tenant == NULL)
    {
      adw_bin_set_child (ADW_BIN (self), NULL);
      self->page = NULL;
      return;
    }
  /* A tracked app has a page of its own (pv-app-page.c) */
  app = self->tenants ? pv_tenant_list_get_tracked_app (self->tenants, self->tenant) : NULL;
  if (app != NULL)
    {
      g_object_ref_sink (page);
      g_object_unref (page);
      page = pv_app_page_new (self->tenants, self->tenant, app);
      self->page = page;
      adw_bin_set_child (ADW_BIN (self), page);
      return;
    }
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (tenant_group_new (self)));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (sso_group_new (self)));
  connections = pv_tenant_info_get_connections (self->tenant);
  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(PvConnectionInfo) connection = g_list_model_get_item (connections, i);

      adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                                ADW_PREFERENCES_GROUP (pv_connection_panel_new (self->tenants, self->tenant,
                                                                                connection)));
    }
  /* Keep the reader's place across a refresh, once the new page has its size. */
  if (self->page != NULL)
    {
      GtkWidget *old_scrolled = gtk_widget_get_first_child (self->page);
      GtkWidget *new_scrolled = gtk_widget_get_first_child (page);

      if (GTK_IS_SCROLLED_WINDOW (old_scrolled) && GTK_IS_SCROLLED_WINDOW (new_scrolled))
        {
          GtkAdjustment *old_adj = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (old_scrolled));
          double *value = g_new (double, 1);

          *value = gtk_adjustment_get_value (old_adj);
          gtk_widget_add_tick_callback (new_scrolled, restore_scroll_cb, value, g_free);
        }
    }
  self->page = page;
  adw_bin_set_child (ADW_BIN (self), page);
}

/**
 * pv_tenant_page_set_tenant:
 * @tenant: (nullable): the tenant to show
 * @tenants: the list it is in, for its client
 */
void
pv_tenant_page_set_tenant (PvTenantPage *self,
                           PvTenantInfo *tenant,
                           PvTenantList *tenants)
{
  g_return_if_fail (PV_IS_TENANT_PAGE (self));

  g_set_object (&self->tenants, tenants);
  if (g_set_object (&self->tenant, tenant))
    g_signal_group_set_target (self->signals, tenant);
  self->page = NULL;
  rebuild (self);
}

static void
pv_tenant_page_dispose (GObject *object)
{
  PvTenantPage *self = PV_TENANT_PAGE (object);

  g_clear_object (&self->signals);
  g_clear_object (&self->tenant);
  g_clear_object (&self->tenants);

  G_OBJECT_CLASS (pv_tenant_page_parent_class)->dispose (object);
}

static void
pv_tenant_page_class_init (PvTenantPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pv_tenant_page_dispose;
}

static void
pv_tenant_page_init (PvTenantPage *self)
{
  self->signals = g_signal_group_new (PV_TYPE_TENANT_INFO);
  g_signal_group_connect_swapped (self->signals, "changed", G_CALLBACK (rebuild), self);
  /* The Entra app rows follow the sign-in, links and job states. */
  g_signal_connect_object (pv_application_get_entra (PV_APPLICATION (g_application_get_default ())), "changed",
                           G_CALLBACK (rebuild), self, G_CONNECT_SWAPPED);
}
