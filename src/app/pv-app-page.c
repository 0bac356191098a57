/* pv-app-page.c: a tracked app's page
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-app-page"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-app-page.h"
#include "pv-connection-panel.h"
#include "pv-dates.h"
#include "pv-guide.h"
#include "pv-overview.h"
#include "pv-paste-renew-window.h"
#include "pv-tracked-check.h"
#include "pv-vendor.h"
#include "pv-widgets.h"

/* What the tenant page is for a tenant, for an app whose vendor makes its
 * tokens in a console: the vendor, each connection's SCIM base URL, its
 * token's expiry and where that comes from, the last check of the token,
 * and how a new one is made and pasted once. */

/**
 * pv_app_page_describe_console:
 *
 * Says on @group what to know before making a token in @vendor's console:
 * for a vendor whose old token dies at once, to sign in to Entra first.
 */
void
pv_app_page_describe_console (GtkWidget      *group,
                              const PvVendor *vendor)
{
  g_autoptr(GString) description = g_string_new (NULL);

  if (vendor->old_token_dies)
    g_string_append (description, _("Sign in to Microsoft Entra in Provisio first: the old token stops working "
                                    "the moment you create the new one."));
  if (vendor->note != NULL)
    g_string_append_printf (description, "%s%s", description->len ? " " : "", vendor->note);
  if (description->len > 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description->str);
}

/**
 * pv_app_page_add_steps:
 * @steps: (element-type PvGuideStep): steps, each a row, with a link
 *   button where it has one
 */
void
pv_app_page_add_steps (GtkWidget *group,
                       GPtrArray *steps)
{
  for (guint i = 0; i < steps->len; i++)
    {
      PvGuideStep *step = g_ptr_array_index (steps, i);
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), step->title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), step->detail);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      if (step->link != NULL)
        {
          GtkWidget *link = gtk_link_button_new_with_label (step->link, _("Open"));

          gtk_widget_set_valign (link, GTK_ALIGN_CENTER);
          adw_action_row_add_suffix (ADW_ACTION_ROW (row), link);
        }
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
}

static void
renew_clicked_cb (GtkButton *button,
                  gpointer   user_data)
{
  PvTenantList *tenants = g_object_get_data (G_OBJECT (button), "tenants");
  PvTenantInfo *tenant = pv_tenant_list_lookup (tenants, g_object_get_data (G_OBJECT (button), "app-id"));
  PvTrackedApp *app = tenant ? pv_tenant_list_get_tracked_app (tenants, tenant) : NULL;
  GtkWindow *window;

  if (app == NULL)
    return;
  window = GTK_WINDOW (pv_paste_renew_window_new (tenants, app, g_object_get_data (G_OBJECT (button), "kind")));
  gtk_window_set_transient_for (window, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))));
  gtk_window_present (window);
}

static GtkWidget *
connection_group_new (PvTenantList        *tenants,
                      PvTrackedApp        *app,
                      PvTrackedConnection *connection)
{
  GtkWidget *group = adw_preferences_group_new ();
  GKeyFile *checks = pv_tenant_list_get_checks (tenants);
  g_autofree char *date = pv_format_date (connection->expires_at);
  g_autofree char *left = pv_format_days_left (connection->expires_at, g_get_real_time () / G_USEC_PER_SEC);
  g_autofree char *expires = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *checked = NULL;
  PvProbeVerdict verdict;
  gint64 checked_at;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), g_str_equal (connection->kind, "persons")
                                                                   ? _("Person Provisioning")
                                                                   : _("User Provisioning"));
  {
    GtkWidget *renew = gtk_button_new_with_mnemonic (connection->pending_since != 0 ? _("_Continue…")
                                                                                    : _("_Renew…"));

    gtk_widget_set_valign (renew, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (renew, "suggested-action");
    g_object_set_data_full (G_OBJECT (renew), "kind", g_strdup (connection->kind), g_free);
    g_object_set_data_full (G_OBJECT (renew), "app-id", g_strdup (app->id), g_free);
    g_object_set_data_full (G_OBJECT (renew), "tenants", g_object_ref (tenants), g_object_unref);
    g_signal_connect (renew, "clicked", G_CALLBACK (renew_clicked_cb), NULL);
    adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), renew);
  }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             pv_info_row_new (_("SCIM base URL"), connection->scim_base_url, TRUE));
  /* Translators: "expires in 9 days", a date, and where the date comes from */
  expires = g_strdup_printf (_("%s, on %s (%s)"), left, date, pv_expiry_source_to_label (connection->source));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), pv_info_row_new (_("Token"), expires, FALSE));
  if (!connection->token_in_keyring)
    checked = g_strdup (_("Only its dates are tracked: the token is not kept, so it is not checked"));
  else if (pv_tracked_checks_get (checks, app, connection->kind, &verdict, &detail, &checked_at))
    {
      g_autofree char *when = pv_format_relative (checked_at, g_get_real_time () / G_USEC_PER_SEC);

      /* Translators: the check's verdict in words, then when, such as "5 minutes ago" */
      checked = g_strdup_printf (_("%s (%s)"), detail, when);
    }
  else
    checked = g_strdup (_("Not checked yet: the next refresh asks the vendor"));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), pv_info_row_new (_("Last check"), checked, FALSE));
  /* Its Entra app, linked as a tenant's connection is */
  {
    PvTenantInfo *info = pv_tenant_list_lookup (tenants, app->id);
    PvConnectionInfo *shown = info ? pv_tenant_info_get_connection (info, connection->kind) : NULL;
    GtkWidget *entra = shown ? pv_connection_panel_entra_row_new (tenants, info, shown,
                                                                  g_get_real_time () / G_USEC_PER_SEC)
                             : NULL;

    if (entra != NULL)
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), entra);
  }
  if (connection->pending_since != 0)
    {
      g_autofree char *new_date = pv_format_date (connection->pending_expires_at);
      g_autofree char *pending = connection->sent_at != 0
        /* Translators: a date, and where it comes from */
        ? g_strdup_printf (_("Handed to Entra, which has not provisioned with it yet; it expires on %s (%s)"),
                           new_date, pv_expiry_source_to_label (connection->pending_source))
        /* Translators: a date, and where it comes from */
        : g_strdup_printf (_("Pasted and kept in the keyring, not yet handed over to the identity provider; it "
                             "expires on %s (%s)"),
                           new_date, pv_expiry_source_to_label (connection->pending_source));

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), pv_info_row_new (_("New token"), pending, FALSE));
    }
  return group;
}

static GtkWidget *
renew_group_new (PvTrackedApp   *app,
                 const PvVendor *vendor)
{
  GtkWidget *group = adw_preferences_group_new ();
  PvTrackedConnection *first = g_ptr_array_index (app->connections, 0);
  g_autoptr(GPtrArray) steps = pv_vendor_renew_steps (vendor, first->kind, app->name, first->scim_base_url);
  g_autofree char *command = g_strdup_printf ("provisioctl app renew %s %s", app->id, first->kind);

  /* Translators: a vendor's name */
  g_autofree char *title = g_strdup_printf (_("Renew in the Console of %s"), vendor->name);

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  pv_app_page_describe_console (group, vendor);
  pv_app_page_add_steps (group, steps);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             pv_info_row_new (_("Then paste the new token once with Renew…, or in a terminal"),
                                              command, TRUE));
  return group;
}

/**
 * pv_app_page_new:
 * @tenant: @app as its entry in @tenants
 *
 * Returns: (transfer floating): the page of a tracked app
 */
GtkWidget *
pv_app_page_new (PvTenantList *tenants,
                 PvTenantInfo *tenant,
                 PvTrackedApp *app)
{
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  g_autoptr(PvVendor) vendor = pv_vendor_lookup (app->vendor, NULL);

  if (vendor == NULL)
    vendor = pv_vendor_lookup ("other", NULL);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Tracked App"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         app->demo
                                         ? _("The demo's: its vendor is the demo server, its tokens in memory only.")
                                         : _("Its vendor makes its tokens in its own console; Provisio keeps them "
                                             "in the keyring only and asks the vendor whether it still accepts "
                                             "them."));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), pv_info_row_new (_("Vendor"), vendor->name, FALSE));
  if (vendor->console != NULL)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), pv_info_row_new (_("Console"), vendor->console, TRUE));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  for (guint i = 0; i < app->connections->len; i++)
    adw_preferences_page_add (ADW_PREFERENCES_PAGE (page),
                              ADW_PREFERENCES_GROUP (connection_group_new (tenants, app,
                                                                           g_ptr_array_index (app->connections, i))));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (renew_group_new (app, vendor)));
  return page;
}
