/* pv-tenant-page.c: one tenant: its SSO panel and its provisioning panels
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-tenant-page"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-connection-info.h"
#include "pv-connection-panel.h"
#include "pv-dates.h"
#include "pv-overview.h"
#include "pv-sso-info.h"
#include "pv-application.h"
#include "pv-app-page.h"
#include "pv-tenant-page.h"
#include "pv-widgets.h"

/* The page stays while the tenant changes: its rows are updated in place,
 * a connection's panel follows its connection (pv-connection-panel.c),
 * and the groups are only moved when the most pressing changes.  The
 * reader keeps their place (before, the page was built anew on every
 * change and jumped to the top). */

enum {
  SSO_PROTOCOL,
  SSO_ENTITY_ID,
  SSO_REPLY_URL,
  SSO_SIGN_ON_URL,
  SSO_METADATA_URL,
  SSO_IDP,
  SSO_CERTIFICATE,
  SSO_FINGERPRINT,
  SSO_EXPIRY,
  N_SSO_ROWS
};

struct _PvTenantPage
{
  AdwBin        parent_instance;

  PvTenantInfo *tenant;
  PvTenantList *tenants;
  GSignalGroup *signals;
  gboolean      renewing_key;

  GtkWidget    *stack;    /* the bin's child: not bound, the bin owns it */
  GtkWidget    *page;
  GtkWidget    *app_bin;
  GtkWidget    *tenant_group;
  GtkWidget    *error_row;
  GtkWidget    *base_url_row;
  GtkWidget    *account_row;
  GtkWidget    *key_row;
  GtkWidget    *key_pill;
  GtkWidget    *key_button;
  GtkWidget    *fetched_row;
  GtkWidget    *sso_group;
  GtkWidget    *sso_off_row;
  GtkWidget    *sso_rows[N_SSO_ROWS];
  GtkWidget    *sso_pill;
  GPtrArray    *panels;   /* PvConnectionPanel, one per connection */
  GPtrArray    *order;    /* the groups after the tenant's, as shown */
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
remove_clicked_cb (PvTenantPage *self)
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

/* Renew Key: the new key in the keyring first, then used, then the old one
 * forgotten (pv_tenant_list_rotate_key_async); a failure says which key works. */

static void update (PvTenantPage *self);

static void
key_renewed_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(PvTenantPage) self = user_data;
  g_autoptr(GError) error = NULL;

  self->renewing_key = FALSE;
  if (pv_tenant_list_rotate_key_finish (PV_TENANT_LIST (source), result, &error))
    {
      pv_toast (GTK_WIDGET (self), _("Admin API key renewed; the old one retires once it is no longer used"));
    }
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
           gtk_widget_get_root (GTK_WIDGET (self)) != NULL)
    {
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                  _("The Key Was Not Renewed"), error->message);

      if (g_error_matches (error, PV_ERROR, PV_ERROR_KEY_EXPIRED))
        adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (dialog), _("The Admin API Key Has Expired"));
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
  update (self);
}

static void
renew_key_clicked_cb (PvTenantPage *self)
{
  if (self->renewing_key || self->tenant == NULL)
    return;
  self->renewing_key = TRUE;
  gtk_widget_set_sensitive (self->key_button, FALSE);
  pv_tenant_list_rotate_key_async (self->tenants, self->tenant, NULL, key_renewed_cb, g_object_ref (self));
}

/* The key's expiry and Renew Key */
static void
update_key_row (PvTenantPage *self)
{
  const char *prefix;
  gint64 expires_at;
  PvExpiryState state = pv_tenant_info_get_key (self->tenant, NULL, &prefix, NULL, &expires_at);
  g_autofree char *left = NULL;
  g_autofree char *date = NULL;
  g_autofree char *text = NULL;

  gtk_widget_set_visible (self->key_row, expires_at != 0);
  if (expires_at == 0)
    return;
  left = pv_format_days_left (expires_at, g_get_real_time () / G_USEC_PER_SEC);
  date = pv_format_date (expires_at);
  /* Translators: a key prefix, "expires in 9 days" and a date */
  text = g_strdup_printf (_("%s… %s (%s)"), prefix ? prefix : "", left, date);
  pv_info_row_set_value (self->key_row, text);
  pv_state_pill_set_state (self->key_pill, state, NULL);
  gtk_widget_set_sensitive (self->key_button, !self->renewing_key);
  if (state >= PV_EXPIRY_DUE_SOON && state != PV_EXPIRY_EXPIRED)
    gtk_widget_add_css_class (self->key_button, "suggested-action");
  else
    gtk_widget_remove_css_class (self->key_button, "suggested-action");
}

static void
update_tenant_group (PvTenantPage *self)
{
  const GError *error = pv_tenant_info_get_error (self->tenant);
  gint64 fetched = pv_tenant_info_get_fetched_at (self->tenant);
  g_autofree char *when = NULL;

  gtk_widget_set_visible (self->error_row, error != NULL);
  if (error != NULL)
    {
      g_autofree char *advice = pv_error_advice (error);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->error_row), advice);
    }
  pv_info_row_set_value (self->base_url_row, pv_tenant_info_get_base_url (self->tenant));
  pv_info_row_set_value (self->account_row, pv_tenant_info_get_account (self->tenant));
  update_key_row (self);
  if (fetched > 0)
    {
      g_autofree char *relative = pv_format_relative (fetched, g_get_real_time () / G_USEC_PER_SEC);
      g_autofree char *date = pv_format_date (fetched);

      when = g_strdup_printf ("%s (%s)", relative, date);
    }
  pv_info_row_set_value (self->fetched_row, when ? when : _("Never"));
}

static void
update_sso_group (PvTenantPage *self)
{
  PvSsoInfo *sso = pv_tenant_info_get_sso (self->tenant);
  gboolean configured = pv_sso_info_get_configured (sso);
  gint64 not_after = pv_sso_info_get_certificate_not_after (sso);
  gboolean certificate = configured && pv_sso_info_get_certificate_subject (sso) != NULL;

  gtk_widget_set_visible (self->sso_off_row, !configured);
  for (guint i = 0; i < N_SSO_ROWS; i++)
    gtk_widget_set_visible (self->sso_rows[i], configured);
  if (!configured)
    {
      adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->sso_group), NULL);
      return;
    }
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->sso_group),
                                         pv_sso_info_get_enforced (sso) ? _("Enforced: everyone signs in through the identity provider")
                                                                        : _("Optional: people may still use passwords"));
  pv_info_row_set_value (self->sso_rows[SSO_PROTOCOL], pv_sso_info_get_protocol (sso));
  pv_info_row_set_value (self->sso_rows[SSO_ENTITY_ID], pv_sso_info_get_entity_id (sso));
  pv_info_row_set_value (self->sso_rows[SSO_REPLY_URL], pv_sso_info_get_reply_url (sso));
  pv_info_row_set_value (self->sso_rows[SSO_SIGN_ON_URL], pv_sso_info_get_sign_on_url (sso));
  pv_info_row_set_value (self->sso_rows[SSO_METADATA_URL], pv_sso_info_get_metadata_url (sso));
  pv_info_row_set_value (self->sso_rows[SSO_IDP], pv_sso_info_get_idp_entity_id (sso));
  pv_info_row_set_value (self->sso_rows[SSO_CERTIFICATE], pv_sso_info_get_certificate_subject (sso));
  pv_info_row_set_value (self->sso_rows[SSO_FINGERPRINT], pv_sso_info_get_certificate_fingerprint (sso));
  gtk_widget_set_visible (self->sso_rows[SSO_CERTIFICATE], certificate);
  gtk_widget_set_visible (self->sso_rows[SSO_FINGERPRINT], certificate);
  gtk_widget_set_visible (self->sso_rows[SSO_EXPIRY], not_after > 0);
  if (not_after > 0)
    {
      gint64 now = g_get_real_time () / G_USEC_PER_SEC;
      PvExpiryPolicy storage;
      const PvExpiryPolicy *override = pv_application_get_override (PV_APPLICATION (g_application_get_default ()),
                                                                    &storage);
      g_autofree char *left = pv_format_days_left (not_after, pv_tenant_info_get_now (self->tenant, now));
      g_autofree char *date = pv_format_date (not_after);
      g_autofree char *text = g_strdup_printf ("%s (%s)", left, date);

      pv_info_row_set_value (self->sso_rows[SSO_EXPIRY], text);
      pv_state_pill_set_state (self->sso_pill, pv_overview_token_state (self->tenant, override, not_after, now), NULL);
    }
}

static int
compare_connections (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  PvTenantPage *self = user_data;
  PvConnectionInfo *x = pv_connection_panel_get_connection (*(PvConnectionPanel **) a);
  PvConnectionInfo *y = pv_connection_panel_get_connection (*(PvConnectionPanel **) b);
  int order = (int) pv_connection_state_now (self->tenant, y) - (int) pv_connection_state_now (self->tenant, x);

  /* Otherwise as the tenant lists them: users, then persons */
  return order != 0 ? order : g_strcmp0 (pv_connection_info_get_kind (y), pv_connection_info_get_kind (x));
}

static PvConnectionPanel *
find_panel (PvTenantPage     *self,
            PvConnectionInfo *connection)
{
  for (guint i = 0; i < self->panels->len; i++)
    if (pv_connection_panel_get_connection (g_ptr_array_index (self->panels, i)) == connection)
      return g_ptr_array_index (self->panels, i);
  return NULL;
}

/* A panel per connection, kept as long as its connection is, then the
 * groups in the order of what needs action first: the connections, the
 * most pressing on top, then single sign-on, unless its certificate is
 * more pressing still.  The groups move only when that order changes. */
static void
update_panels (PvTenantPage *self)
{
  GListModel *connections = pv_tenant_info_get_connections (self->tenant);
  g_autoptr(GPtrArray) panels = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  PvSsoInfo *sso = pv_tenant_info_get_sso (self->tenant);
  PvExpiryState sso_state = pv_sso_info_get_configured (sso) && pv_sso_info_get_certificate_not_after (sso) > 0
                            ? pv_sso_info_get_certificate_state (sso) : PV_EXPIRY_OK;
  gboolean sso_shown = FALSE;
  gboolean same;

  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(PvConnectionInfo) connection = g_list_model_get_item (connections, i);
      PvConnectionPanel *panel = find_panel (self, connection);

      if (panel != NULL)
        pv_connection_panel_update (panel);
      else
        panel = PV_CONNECTION_PANEL (pv_connection_panel_new (self->tenants, self->tenant, connection));
      g_ptr_array_add (panels, g_object_ref_sink (panel));
    }
  g_ptr_array_sort_with_data (panels, compare_connections, self);
  for (guint i = 0; i < panels->len; i++)
    {
      PvConnectionPanel *panel = g_ptr_array_index (panels, i);

      if (!sso_shown && sso_state > pv_connection_state_now (self->tenant, pv_connection_panel_get_connection (panel)))
        {
          g_ptr_array_add (order, self->sso_group);
          sso_shown = TRUE;
        }
      g_ptr_array_add (order, panel);
    }
  if (!sso_shown)
    g_ptr_array_add (order, self->sso_group);

  same = order->len == self->order->len;
  for (guint i = 0; same && i < order->len; i++)
    same = g_ptr_array_index (order, i) == g_ptr_array_index (self->order, i);
  if (!same)
    {
      for (guint i = 0; i < self->order->len; i++)
        adw_preferences_page_remove (ADW_PREFERENCES_PAGE (self->page), g_ptr_array_index (self->order, i));
      for (guint i = 0; i < order->len; i++)
        adw_preferences_page_add (ADW_PREFERENCES_PAGE (self->page), g_ptr_array_index (order, i));
      g_ptr_array_set_size (self->order, 0);
      g_ptr_array_extend (self->order, order, NULL, NULL);
    }
  g_ptr_array_unref (self->panels);
  self->panels = g_steal_pointer (&panels);
}

static void
update (PvTenantPage *self)
{
  PvTrackedApp *app;

  if (self->tenant == NULL)
    return;
  /* A tracked app has a page of its own (pv-app-page.c) */
  app = self->tenants ? pv_tenant_list_get_tracked_app (self->tenants, self->tenant) : NULL;
  if (app != NULL)
    {
      /* Made the first time an app is shown; it follows the app itself */
      if (!PV_IS_APP_PAGE (adw_bin_get_child (ADW_BIN (self->app_bin))))
        adw_bin_set_child (ADW_BIN (self->app_bin), pv_app_page_new ());
      pv_app_page_set_tenant (PV_APP_PAGE (adw_bin_get_child (ADW_BIN (self->app_bin))), self->tenant, self->tenants);
      gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "app");
      return;
    }
  adw_bin_set_child (ADW_BIN (self->app_bin), NULL);
  gtk_stack_set_visible_child_name (GTK_STACK (self->stack), "tenant");
  update_tenant_group (self);
  update_sso_group (self);
  update_panels (self);
}

static void
clear_panels (PvTenantPage *self)
{
  for (guint i = 0; i < self->order->len; i++)
    adw_preferences_page_remove (ADW_PREFERENCES_PAGE (self->page), g_ptr_array_index (self->order, i));
  g_ptr_array_set_size (self->order, 0);
  g_ptr_array_set_size (self->panels, 0);
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
    {
      GtkWidget *scrolled = gtk_widget_get_first_child (self->page);

      g_signal_group_set_target (self->signals, tenant);
      /* Another tenant: its own panels, read from the top. */
      clear_panels (self);
      self->renewing_key = FALSE;
      if (GTK_IS_SCROLLED_WINDOW (scrolled))
        gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)), 0);
    }
  update (self);
}

static void
pv_tenant_page_dispose (GObject *object)
{
  PvTenantPage *self = PV_TENANT_PAGE (object);

  if (self->signals != NULL)
    g_signal_group_set_target (self->signals, NULL);
  g_clear_object (&self->signals);
  /* The reference taken in init: the group is not always on the page */
  if (self->sso_group != NULL)
    g_object_unref (self->sso_group);
  gtk_widget_dispose_template (GTK_WIDGET (self), PV_TYPE_TENANT_PAGE);
  g_clear_pointer (&self->panels, g_ptr_array_unref);
  g_clear_pointer (&self->order, g_ptr_array_unref);
  g_clear_object (&self->tenant);
  g_clear_object (&self->tenants);

  G_OBJECT_CLASS (pv_tenant_page_parent_class)->dispose (object);
}

static void
pv_tenant_page_class_init (PvTenantPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pv_tenant_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/provisio/Provisio/ui/pv-tenant-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PvTenantPage, page);
  gtk_widget_class_bind_template_child (widget_class, PvTenantPage, app_bin);
  gtk_widget_class_bind_template_child (widget_class, PvTenantPage, tenant_group);
  gtk_widget_class_bind_template_child (widget_class, PvTenantPage, error_row);
  gtk_widget_class_bind_template_child (widget_class, PvTenantPage, sso_group);
  gtk_widget_class_bind_template_child (widget_class, PvTenantPage, sso_off_row);
  gtk_widget_class_bind_template_callback (widget_class, remove_clicked_cb);
}

static void
pv_tenant_page_init (PvTenantPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->stack = adw_bin_get_child (ADW_BIN (self));
  self->panels = g_ptr_array_new_with_free_func (g_object_unref);
  self->order = g_ptr_array_new ();

  /* The rows that copy what they show, after the template's */
  self->base_url_row = pv_info_row_add (self->tenant_group, _("Management API"), TRUE);
  self->account_row = pv_info_row_add (self->tenant_group, _("Admin API key of"), FALSE);
  self->key_row = pv_info_row_add (self->tenant_group, _("Admin API key"), FALSE);
  self->key_pill = pv_state_pill_new (PV_EXPIRY_OK);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->key_row), self->key_pill);
  self->key_button = gtk_button_new_with_mnemonic (_("Renew _Key"));
  gtk_widget_set_valign (self->key_button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->key_button, _("Replace Provisio's admin API key for this tenant with a new one"));
  g_signal_connect_swapped (self->key_button, "clicked", G_CALLBACK (renew_key_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->key_row), self->key_button);
  self->fetched_row = pv_info_row_add (self->tenant_group, _("Last fetched"), FALSE);

  self->sso_rows[SSO_PROTOCOL] = pv_info_row_add (self->sso_group, _("Protocol"), FALSE);
  self->sso_rows[SSO_ENTITY_ID] = pv_info_row_add (self->sso_group, _("Entity ID"), TRUE);
  self->sso_rows[SSO_REPLY_URL] = pv_info_row_add (self->sso_group, _("Reply URL"), TRUE);
  self->sso_rows[SSO_SIGN_ON_URL] = pv_info_row_add (self->sso_group, _("Sign-on URL"), TRUE);
  self->sso_rows[SSO_METADATA_URL] = pv_info_row_add (self->sso_group, _("Metadata URL"), TRUE);
  self->sso_rows[SSO_IDP] = pv_info_row_add (self->sso_group, _("Identity provider"), TRUE);
  self->sso_rows[SSO_CERTIFICATE] = pv_info_row_add (self->sso_group, _("Signing certificate"), FALSE);
  self->sso_rows[SSO_FINGERPRINT] = pv_info_row_add (self->sso_group, _("SHA-256 fingerprint"), TRUE);
  self->sso_rows[SSO_EXPIRY] = pv_info_row_add (self->sso_group, _("Certificate expiry"), FALSE);
  self->sso_pill = pv_state_pill_new (PV_EXPIRY_OK);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self->sso_rows[SSO_EXPIRY]), self->sso_pill);
  /* The single sign-on group moves among the panels (update_panels()). */
  g_object_ref (self->sso_group);
  adw_preferences_page_remove (ADW_PREFERENCES_PAGE (self->page), ADW_PREFERENCES_GROUP (self->sso_group));

  self->signals = g_signal_group_new (PV_TYPE_TENANT_INFO);
  g_signal_group_connect_swapped (self->signals, "changed", G_CALLBACK (update), self);
}
