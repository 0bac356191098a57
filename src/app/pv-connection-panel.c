/* pv-connection-panel.c: a provisioning connection (Users or Persons)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-connection-panel"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-application.h"
#include "pv-connection-panel.h"
#include "pv-dates.h"
#include "pv-entra-ui.h"
#include "pv-error.h"
#include "pv-guide.h"
#include "pv-overview.h"
#include "pv-renew-window.h"
#include "pv-shape.h"
#include "pv-test-window.h"
#include "pv-token-info.h"
#include "pv-token-row.h"
#include "pv-widgets.h"

/* One group per connection: its SCIM base URL, identity provider and
 * tokens, with Renew (or Set Up, or Continue Setup), Test Connection and,
 * per token, Revoke.  Bound to the connection: its values change labels
 * in place (notify::), its token list adds and removes rows
 * (items-changed), and the rows of tokens that stay are kept, expanded
 * or not. */

typedef enum {
  RENEW_MODE_RENEW,
  RENEW_MODE_SET_UP,
  RENEW_MODE_CONTINUE,
} RenewMode;

struct _PvConnectionPanel
{
  AdwPreferencesGroup parent_instance;

  PvTenantList       *tenants;
  PvTenantInfo       *tenant;
  PvConnectionInfo   *connection;
  GSignalGroup       *connection_signals;
  GSignalGroup       *deleted_signals;
  RenewMode           renew_mode;
  PvTokenInfo        *resumable;   /* the token of a setup left midway */

  GtkWidget          *test_button;
  GtkWidget          *renew_button;
  GtkWidget          *scim_row;
  GtkWidget          *entra_row;
  GtkWidget          *no_token_row;
  GtkWidget          *deleted_row;
  GPtrArray          *token_rows;     /* PvTokenRow, in the connection's order */
  GPtrArray          *deleted_rows;   /* AdwActionRow, in deleted_row */
};

G_DEFINE_FINAL_TYPE (PvConnectionPanel, pv_connection_panel, ADW_TYPE_PREFERENCES_GROUP)

/* The Entra row, bound to the sign-in, links and job states */

struct _PvEntraRow
{
  AdwActionRow      parent_instance;

  PvTenantList     *tenants;
  PvTenantInfo     *tenant;
  PvConnectionInfo *connection;
  GtkWidget        *icon;     /* owned: a prefix only while it warns */
  GtkWidget        *button;
};

G_DEFINE_FINAL_TYPE (PvEntraRow, pv_entra_row, ADW_TYPE_ACTION_ROW)

static void
entra_link_clicked_cb (PvEntraRow *self)
{
  GtkWindow *window = pv_entra_link_window_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                pv_application_get_entra (PV_APPLICATION (g_application_get_default ())),
                                                self->tenant, pv_connection_info_get_kind (self->connection));

  gtk_window_present (window);
}

/**
 * pv_entra_row_update:
 *
 * Returns: whether the connection has an Entra app to show (the row is
 *   hidden otherwise)
 */
gboolean
pv_entra_row_update (PvEntraRow *self)
{
  PvEntraSession *entra = pv_application_get_entra (PV_APPLICATION (g_application_get_default ()));
  const char *kind = pv_connection_info_get_kind (self->connection);
  const PvEntraLink *link = pv_entra_config_get_link (pv_entra_session_get_config (entra),
                                                      pv_tenant_info_get_id (self->tenant), kind);
  gboolean warning = FALSE;
  g_autofree char *text = pv_entra_session_describe (entra, self->tenant, self->connection,
                                                     g_get_real_time () / G_USEC_PER_SEC, &warning);
  g_autofree char *name = NULL;

  g_return_val_if_fail (PV_IS_ENTRA_ROW (self), FALSE);

  gtk_widget_set_visible (GTK_WIDGET (self), text != NULL);
  if (text == NULL)
    return FALSE;
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), text);
  /* Only there when it warns: a hidden prefix would still indent the title */
  if (warning && gtk_widget_get_parent (self->icon) == NULL)
    adw_action_row_add_prefix (ADW_ACTION_ROW (self), self->icon);
  else if (!warning && gtk_widget_get_parent (self->icon) != NULL)
    adw_action_row_remove (ADW_ACTION_ROW (self), self->icon);
  gtk_button_set_label (GTK_BUTTON (self->button), link != NULL ? _("_Change…") : _("_Link…"));
  /* Translators: accessible name: "Link Users to its Entra app" */
  name = g_strdup_printf (_("Link %s to its Entra app"), pv_guide_app_name (kind));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_widget_set_sensitive (self->button, pv_entra_session_get_signed_in (entra));
  gtk_widget_set_tooltip_text (self->button, pv_entra_session_get_signed_in (entra)
                                             ? NULL : _("Sign in to Microsoft Entra in Preferences first"));
  return TRUE;
}

static void
pv_entra_row_dispose (GObject *object)
{
  PvEntraRow *self = PV_ENTRA_ROW (object);

  g_clear_object (&self->icon);
  g_clear_object (&self->connection);
  g_clear_object (&self->tenant);
  g_clear_object (&self->tenants);

  G_OBJECT_CLASS (pv_entra_row_parent_class)->dispose (object);
}

static void
pv_entra_row_class_init (PvEntraRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pv_entra_row_dispose;
}

static void
pv_entra_row_init (PvEntraRow *self)
{
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (self), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), _("Entra App"));
  self->icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
  gtk_widget_add_css_class (self->icon, "warning");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Needs attention"), -1);
  g_object_ref_sink (self->icon);
  self->button = gtk_button_new ();
  gtk_button_set_use_underline (GTK_BUTTON (self->button), TRUE);
  gtk_widget_set_valign (self->button, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (self->button, "clicked", G_CALLBACK (entra_link_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), self->button);
}

/**
 * pv_entra_row_new:
 *
 * The Entra app that provisions the connection: linked or not (with Link…),
 * its job's state, and a renewal Entra has not taken up.  Follows the
 * Entra sign-in and links by itself; on a tenant page and on a tracked
 * app's page.
 *
 * Returns: (transfer floating): the row, hidden while there is nothing to say
 */
GtkWidget *
pv_entra_row_new (PvTenantList     *tenants,
                  PvTenantInfo     *tenant,
                  PvConnectionInfo *connection)
{
  PvEntraRow *self = g_object_new (PV_TYPE_ENTRA_ROW, NULL);

  self->tenants = g_object_ref (tenants);
  self->tenant = g_object_ref (tenant);
  self->connection = g_object_ref (connection);
  pv_entra_row_update (self);
  g_signal_connect_object (pv_application_get_entra (PV_APPLICATION (g_application_get_default ())), "changed",
                           G_CALLBACK (pv_entra_row_update), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}

/**
 * pv_connection_panel_entra_row_new:
 *
 * Returns: (transfer floating) (nullable): an Entra row for @connection,
 *   or %NULL if there is nothing to say about it now
 */
GtkWidget *
pv_connection_panel_entra_row_new (PvTenantList     *tenants,
                                   PvTenantInfo     *tenant,
                                   PvConnectionInfo *connection,
                                   gint64            now)
{
  GtkWidget *row = pv_entra_row_new (tenants, tenant, connection);

  if (gtk_widget_get_visible (row))
    return row;
  g_object_ref_sink (row);
  g_object_unref (row);
  return NULL;
}

/**
 * pv_connection_state_now:
 *
 * Returns: how pressing @connection is now: its newest token's state
 *   (expired if it has none and an identity provider waits for one)
 */
PvExpiryState
pv_connection_state_now (PvTenantInfo     *tenant,
                         PvConnectionInfo *connection)
{
  PvApplication *app = PV_APPLICATION (g_application_get_default ());
  GListModel *tokens = pv_connection_info_get_tokens (connection);
  g_autoptr(PvTokenInfo) newest = NULL;
  PvExpiryPolicy override;
  gboolean overridden = app != NULL && pv_application_get_override (app, &override);

  if (g_list_model_get_n_items (tokens) == 0)
    return pv_connection_info_get_identity_provider (connection) ? PV_EXPIRY_EXPIRED : PV_EXPIRY_OK;
  newest = g_list_model_get_item (tokens, 0);
  return pv_overview_token_info_state (tenant, overridden ? &override : NULL, newest,
                                       g_get_real_time () / G_USEC_PER_SEC);
}

/* Whether the connection's renewal (or setup) is due: it has no token,
 * its newest was never used, or that is not good for longer than the
 * first reminder threshold. */
static gboolean
renewal_due (PvTenantInfo     *tenant,
             PvConnectionInfo *connection)
{
  GListModel *tokens = pv_connection_info_get_tokens (connection);
  g_autoptr(PvTokenInfo) newest = NULL;

  if (g_list_model_get_n_items (tokens) == 0)
    return TRUE;
  newest = g_list_model_get_item (tokens, 0);
  return pv_token_info_get_last_used_at (newest) == 0 || pv_connection_state_now (tenant, connection) != PV_EXPIRY_OK;
}

/* The panel */

static void
renew_clicked_cb (PvConnectionPanel *self)
{
  const char *kind = pv_connection_info_get_kind (self->connection);
  GtkWindow *window;

  if (self->renew_mode == RENEW_MODE_RENEW)
    window = pv_renew_window_new (self->tenants, self->tenant, kind);
  else
    {
      PvSetups *setups = pv_application_get_setups (PV_APPLICATION (g_application_get_default ()));
      g_autofree char *idp = NULL;
      g_autofree char *token_id = NULL;

      /* Resumed where it stopped, if it was left with its token unused */
      if (self->resumable == NULL || setups == NULL ||
          !pv_setups_lookup (setups, pv_tenant_info_get_id (self->tenant), kind, &idp, &token_id) ||
          g_strcmp0 (token_id, pv_token_info_get_id (self->resumable)) != 0)
        g_clear_pointer (&idp, g_free);
      window = pv_renew_window_new_setup (self->tenants, self->tenant, kind, idp, idp ? token_id : NULL);
    }
  gtk_window_set_transient_for (window, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_present (window);
}

static void
test_clicked_cb (PvConnectionPanel *self)
{
  GtkWindow *window = pv_test_window_new (pv_connection_info_get_scim_base_url (self->connection),
                                          pv_guide_app_name (pv_connection_info_get_kind (self->connection)));

  gtk_window_set_transient_for (window, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_present (window);
}

/* The header: title, description and the buttons, as the connection is. */
static void
update_header (PvConnectionPanel *self)
{
  const char *kind = pv_connection_info_get_kind (self->connection);
  const char *app = pv_guide_app_name (kind);
  const char *idp = pv_connection_info_get_identity_provider (self->connection);
  GListModel *tokens = pv_connection_info_get_tokens (self->connection);
  guint n_tokens = g_list_model_get_n_items (tokens);
  g_autoptr(PvTokenInfo) only = n_tokens == 1 ? g_list_model_get_item (tokens, 0) : NULL;
  PvSetups *setups = pv_application_get_setups (PV_APPLICATION (g_application_get_default ()));
  g_autofree char *description = NULL;
  g_autofree char *idp_left = NULL;
  g_autofree char *token_left = NULL;
  g_autofree char *renew_name = NULL;
  g_autofree char *test_name = NULL;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self),
                                   g_str_equal (kind, "persons") ? _("Person Provisioning") : _("User Provisioning"));
  if (idp == NULL)
    /* Translators: a panel's description: "Users" or "Persons" */
    description = g_strdup_printf (_("The identity provider provisions through its own app for %s"), app);
  else
    /* Translators: a panel's description: the identity provider, then "Users" or "Persons" */
    description = g_strdup_printf (_("%s, through its own enterprise app for %s"), pv_guide_provider_name (idp), app);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self), description);

  /* A connection without a token is set up; one whose setup was left with
   * its first token unused continues it; any other is renewed. */
  g_clear_object (&self->resumable);
  if (only != NULL && pv_token_info_get_last_used_at (only) == 0 && setups != NULL &&
      pv_setups_lookup (setups, pv_tenant_info_get_id (self->tenant), kind, &idp_left, &token_left) &&
      g_strcmp0 (token_left, pv_token_info_get_id (only)) == 0)
    {
      self->renew_mode = RENEW_MODE_CONTINUE;
      self->resumable = g_object_ref (only);
      gtk_button_set_label (GTK_BUTTON (self->renew_button), _("_Continue Setup…"));
      /* Translators: accessible name: "Continue the setup of Users" */
      renew_name = g_strdup_printf (_("Continue the setup of %s"), app);
    }
  else if (n_tokens == 0)
    {
      self->renew_mode = RENEW_MODE_SET_UP;
      gtk_button_set_label (GTK_BUTTON (self->renew_button), _("_Set Up…"));
      /* Translators: accessible name: "Set up Users provisioning" */
      renew_name = g_strdup_printf (_("Set up %s provisioning"), app);
    }
  else
    {
      self->renew_mode = RENEW_MODE_RENEW;
      gtk_button_set_label (GTK_BUTTON (self->renew_button), _("_Renew…"));
      /* Translators: accessible name: "Renew Users token" */
      renew_name = g_strdup_printf (_("Renew %s token"), app);
    }
  /* Translators: accessible name: "Test Persons connection" */
  test_name = g_strdup_printf (_("Test %s connection"), app);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->renew_button), GTK_ACCESSIBLE_PROPERTY_LABEL, renew_name, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->test_button), GTK_ACCESSIBLE_PROPERTY_LABEL, test_name, -1);
  /* Prominent only where something is due: a renewal whose time has come,
   * a setup to do or finish; not on every panel alike. */
  if (renewal_due (self->tenant, self->connection))
    gtk_widget_add_css_class (self->renew_button, "suggested-action");
  else
    gtk_widget_remove_css_class (self->renew_button, "suggested-action");

  pv_info_row_set_value (self->scim_row, pv_connection_info_get_scim_base_url (self->connection));
  gtk_widget_set_visible (self->no_token_row, n_tokens == 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->no_token_row), idp == NULL
                               ? _("Not set up: issue a token to connect an identity provider")
                               : _("The identity provider cannot provision until a token is issued"));
}

/* The deleted tokens, in their expander; only when their list changes. */
static void
update_deleted (PvConnectionPanel *self)
{
  GListModel *deleted = pv_connection_info_get_deleted_tokens (self->connection);
  guint n = g_list_model_get_n_items (deleted);
  g_autofree char *title = NULL;

  for (guint i = 0; i < self->deleted_rows->len; i++)
    adw_expander_row_remove (ADW_EXPANDER_ROW (self->deleted_row), g_ptr_array_index (self->deleted_rows, i));
  g_ptr_array_set_size (self->deleted_rows, 0);
  gtk_widget_set_visible (self->deleted_row, n > 0);
  /* Translators: an expander listing revoked and retired tokens */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u deleted token", "%u deleted tokens", n), n);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->deleted_row), title);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PvTokenInfo) token = g_list_model_get_item (deleted, i);
      g_autofree char *when = pv_format_date (pv_token_info_get_deleted_at (token));
      g_autofree char *until = pv_format_date (pv_token_info_get_expires_at (token));
      g_autofree char *prefix = g_strdup_printf ("%s…", pv_token_info_get_prefix (token));
      g_autofree char *subtitle = NULL;
      GtkWidget *child = adw_action_row_new ();

      /* Translators: who deleted a token and when, then its original expiry */
      subtitle = g_strdup_printf (_("Deleted by %s on %s · listed until %s"),
                                  pv_token_info_get_deleted_by (token), when, until);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (child), prefix);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (child), subtitle);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (self->deleted_row), child);
      g_ptr_array_add (self->deleted_rows, child);
    }
}

static GtkWidget *
find_token_row (PvConnectionPanel *self,
                PvTokenInfo       *token)
{
  for (guint i = 0; i < self->token_rows->len; i++)
    if (pv_token_row_get_token (g_ptr_array_index (self->token_rows, i)) == token)
      return g_ptr_array_index (self->token_rows, i);
  return NULL;
}

/* The token rows as the connection lists its tokens: the rows of tokens
 * that stay are kept (expanded or not), new ones added, gone ones removed.
 * The group appends only, so the rows after the first that moves are
 * taken out and put back in order. */
static void
update_token_rows (PvConnectionPanel *self)
{
  GListModel *tokens = pv_connection_info_get_tokens (self->connection);
  guint n = g_list_model_get_n_items (tokens);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_object_unref);
  guint same = 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PvTokenInfo) token = g_list_model_get_item (tokens, i);
      GtkWidget *row = find_token_row (self, token);

      g_ptr_array_add (rows, g_object_ref_sink (row ? row : pv_token_row_new (self->tenants, self->tenant,
                                                                              self->connection, token)));
    }
  while (same < rows->len && same < self->token_rows->len &&
         g_ptr_array_index (rows, same) == g_ptr_array_index (self->token_rows, same))
    same++;
  if (same == rows->len && same == self->token_rows->len)
    return;
  for (guint i = same; i < self->token_rows->len; i++)
    adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (self->token_rows, i));
  adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), self->deleted_row);
  for (guint i = same; i < rows->len; i++)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), g_ptr_array_index (rows, i));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), self->deleted_row);
  g_ptr_array_unref (self->token_rows);
  self->token_rows = g_steal_pointer (&rows);
}

static void
tokens_changed_cb (PvConnectionPanel *self)
{
  update_token_rows (self);
  update_header (self);
}

/**
 * pv_connection_panel_update:
 *
 * Brings what depends on the time, the policy and the setups left midway
 * up to date (the tenant page calls it when the tenant changes); the
 * connection's own changes show by themselves.
 */
void
pv_connection_panel_update (PvConnectionPanel *self)
{
  g_return_if_fail (PV_IS_CONNECTION_PANEL (self));

  update_header (self);
  for (guint i = 0; i < self->token_rows->len; i++)
    pv_token_row_update (g_ptr_array_index (self->token_rows, i));
  pv_entra_row_update (PV_ENTRA_ROW (self->entra_row));
}

/**
 * pv_connection_panel_get_connection:
 *
 * Returns: (transfer none): the connection the panel shows
 */
PvConnectionInfo *
pv_connection_panel_get_connection (PvConnectionPanel *self)
{
  g_return_val_if_fail (PV_IS_CONNECTION_PANEL (self), NULL);
  return self->connection;
}

static void
pv_connection_panel_dispose (GObject *object)
{
  PvConnectionPanel *self = PV_CONNECTION_PANEL (object);

  if (self->connection_signals != NULL)
    g_signal_group_set_target (self->connection_signals, NULL);
  g_clear_object (&self->connection_signals);
  g_clear_object (&self->deleted_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), PV_TYPE_CONNECTION_PANEL);
  g_clear_pointer (&self->token_rows, g_ptr_array_unref);
  g_clear_pointer (&self->deleted_rows, g_ptr_array_unref);
  g_clear_object (&self->resumable);
  g_clear_object (&self->connection);
  g_clear_object (&self->tenant);
  g_clear_object (&self->tenants);

  G_OBJECT_CLASS (pv_connection_panel_parent_class)->dispose (object);
}

static void
pv_connection_panel_class_init (PvConnectionPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pv_connection_panel_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/provisio/Provisio/ui/pv-connection-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, PvConnectionPanel, test_button);
  gtk_widget_class_bind_template_child (widget_class, PvConnectionPanel, renew_button);
  gtk_widget_class_bind_template_child (widget_class, PvConnectionPanel, no_token_row);
  gtk_widget_class_bind_template_child (widget_class, PvConnectionPanel, deleted_row);
  gtk_widget_class_bind_template_callback (widget_class, renew_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, test_clicked_cb);
}

static void
pv_connection_panel_init (PvConnectionPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Its arrow without librsvg (pv-shape.c) */
  pv_shape_set_expander_arrow (ADW_EXPANDER_ROW (self->deleted_row));
  self->token_rows = g_ptr_array_new_with_free_func (g_object_unref);
  self->deleted_rows = g_ptr_array_new ();

  /* Its values (identity provider, SCIM base URL, last request) change
   * the header; its tokens, the rows. */
  self->connection_signals = g_signal_group_new (PV_TYPE_CONNECTION_INFO);
  g_signal_group_connect_swapped (self->connection_signals, "notify", G_CALLBACK (update_header), self);
  self->deleted_signals = g_signal_group_new (G_TYPE_LIST_MODEL);
  g_signal_group_connect_swapped (self->deleted_signals, "items-changed", G_CALLBACK (update_deleted), self);
}

/**
 * pv_connection_panel_new:
 *
 * Returns: (transfer floating): the panel of @connection, bound to it
 */
GtkWidget *
pv_connection_panel_new (PvTenantList     *tenants,
                         PvTenantInfo     *tenant,
                         PvConnectionInfo *connection)
{
  PvConnectionPanel *self = g_object_new (PV_TYPE_CONNECTION_PANEL, NULL);

  self->tenants = g_object_ref (tenants);
  self->tenant = g_object_ref (tenant);
  self->connection = g_object_ref (connection);

  /* In order: the SCIM base URL, the Entra app, "No token" or the tokens,
   * the deleted ones. */
  adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), self->no_token_row);
  adw_preferences_group_remove (ADW_PREFERENCES_GROUP (self), self->deleted_row);
  self->scim_row = pv_info_row_new (_("SCIM base URL"), NULL, TRUE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), self->scim_row);
  self->entra_row = pv_entra_row_new (tenants, tenant, connection);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), self->entra_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), self->no_token_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), self->deleted_row);

  update_header (self);
  update_token_rows (self);
  update_deleted (self);
  g_signal_group_set_target (self->connection_signals, connection);
  g_signal_group_set_target (self->deleted_signals, pv_connection_info_get_deleted_tokens (connection));
  g_signal_connect_object (pv_connection_info_get_tokens (connection), "items-changed",
                           G_CALLBACK (tokens_changed_cb), self, G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}
