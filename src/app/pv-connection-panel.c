/* pv-connection-panel.c: a provisioning connection (Users or Persons)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "provisio"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-application.h"
#include "pv-connection-panel.h"
#include "pv-error.h"
#include "pv-guide.h"
#include "pv-overview.h"
#include "pv-renew-window.h"
#include "pv-entra-ui.h"
#include "pv-test-window.h"
#include "pv-token-info.h"
#include "pv-tokens.h"
#include "pv-widgets.h"

/* One group per connection: its SCIM base URL, identity provider and
 * tokens, with Renew, Test Connection and, per token, Revoke.  Built from
 * the connection as it is; the tenant page builds it again when the
 * tenant changes. */

typedef struct {
  PvTenantList     *tenants;
  PvTenantInfo     *tenant;
  PvConnectionInfo *connection;
  PvTokenInfo      *token;
} Context;

static void
context_free (Context *c)
{
  g_clear_object (&c->tenants);
  g_clear_object (&c->tenant);
  g_clear_object (&c->connection);
  g_clear_object (&c->token);
  g_free (c);
}

static void
context_closure_free (gpointer  data,
                      GClosure *closure)
{
  context_free (data);
}

static Context *
context_new (PvTenantList     *tenants,
             PvTenantInfo     *tenant,
             PvConnectionInfo *connection,
             PvTokenInfo      *token)
{
  Context *c = g_new0 (Context, 1);

  c->tenants = g_object_ref (tenants);
  c->tenant = g_object_ref (tenant);
  c->connection = g_object_ref (connection);
  c->token = token ? g_object_ref (token) : NULL;
  return c;
}

static const char *
tenant_name (PvTenantInfo *tenant)
{
  const char *name = pv_tenant_info_get_name (tenant);

  return name ? name : pv_tenant_info_get_id (tenant);
}

/* Revoking, in two steps when the identity provider still uses the token */

static void revoke_token (Context   *c,
                          GtkWidget *widget,
                          gboolean   force);

static void
refreshed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  pv_tenant_info_refresh_finish (PV_TENANT_INFO (source), result, &error);
}

static void
refresh_tenant (Context *c)
{
  PvClient *client = pv_tenant_list_get_client (c->tenants, c->tenant);

  if (client != NULL)
    pv_tenant_info_refresh_async (c->tenant, client, NULL, refreshed_cb, NULL);
}

typedef struct {
  Context   *context;
  GtkWidget *widget;   /* for toasts and dialogs; weak */
} Revoking;

static void
force_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   Revoking         *r)
{
  if (g_str_equal (response, "revoke") && r->widget != NULL)
    revoke_token (r->context, r->widget, TRUE);
  g_clear_weak_pointer (&r->widget);
  context_free (r->context);
  g_free (r);
}

static void
revoked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Revoking *r = user_data;
  g_autoptr(GError) error = NULL;
  Context *c = r->context;
  const char *app = pv_guide_app_name (pv_connection_info_get_kind (c->connection));

  if (pv_tokens_revoke_finish (result, &error))
    {
      if (r->widget != NULL)
        {
          /* Translators: %s is a token prefix */
          g_autofree char *text = g_strdup_printf (_("Token %s… revoked"), pv_token_info_get_prefix (c->token));

          pv_toast (r->widget, text);
        }
      refresh_tenant (c);
    }
  else if (g_error_matches (error, PV_ERROR, PV_ERROR_CONFLICT) && r->widget != NULL)
    {
      /* The tenant refused: the identity provider depends on this token. */
      GtkWidget *dialog;
      g_autofree char *heading = NULL;

      /* Translators: %s is "Users" or "Persons" */
      heading = g_strdup_printf (_("Provisioning of %s Still Uses This Token"), app);
      dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (r->widget)), heading, NULL);
      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                      /* Translators: %s is "Users" or "Persons", then a tenant's name */
                                      _("The identity provider's last request to the %s app of %s used token "
                                        "%s…. Revoked, provisioning stops until a new token is pasted into "
                                        "the identity provider. Renew instead to replace it safely."),
                                      app, tenant_name (c->tenant), pv_token_info_get_prefix (c->token));
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "revoke", _("_Revoke Anyway"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "revoke",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_signal_connect (dialog, "response", G_CALLBACK (force_response_cb), r);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }
  else if (r->widget != NULL)
    {
      g_autofree char *text = pv_error_advice (error);

      pv_toast (r->widget, text);
    }
  g_clear_weak_pointer (&r->widget);
  context_free (r->context);
  g_free (r);
}

static void
revoke_token (Context   *c,
              GtkWidget *widget,
              gboolean   force)
{
  PvClient *client = pv_tenant_list_get_client (c->tenants, c->tenant);
  Revoking *r;

  if (client == NULL)
    return;
  r = g_new0 (Revoking, 1);
  r->context = context_new (c->tenants, c->tenant, c->connection, c->token);
  g_set_weak_pointer (&r->widget, widget);
  pv_tokens_revoke_async (client, pv_connection_info_get_kind (c->connection), pv_token_info_get_id (c->token),
                          force, NULL, revoked_cb, r);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     Context          *c)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));

  if (g_str_equal (response, "revoke") && parent != NULL)
    revoke_token (c, GTK_WIDGET (parent), FALSE);
}

static void
revoke_clicked_cb (GtkButton *button,
                   Context   *c)
{
  const char *app = pv_guide_app_name (pv_connection_info_get_kind (c->connection));
  GtkWidget *dialog;
  g_autofree char *heading = NULL;

  /* Translators: %s is a token prefix */
  heading = g_strdup_printf (_("Revoke Token %s…?"), pv_token_info_get_prefix (c->token));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))), heading, NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  /* Translators: %s is "Users" or "Persons", then a tenant's name */
                                  _("The %s app of %s can no longer provision with this token. It stays listed "
                                    "as deleted until it would have expired."),
                                  app, tenant_name (c->tenant));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "revoke", _("_Revoke"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "revoke", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (confirm_response_cb),
                         context_new (c->tenants, c->tenant, c->connection, c->token),
                         context_closure_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
renew_clicked_cb (GtkButton *button,
                  Context   *c)
{
  GtkWindow *window = pv_renew_window_new (c->tenants, c->tenant, pv_connection_info_get_kind (c->connection));

  gtk_window_set_transient_for (window, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))));
  gtk_window_present (window);
}

static void
setup_clicked_cb (GtkButton *button,
                  Context   *c)
{
  PvApplication *app = PV_APPLICATION (g_application_get_default ());
  g_autofree char *idp = NULL;
  g_autofree char *token_id = NULL;
  GtkWindow *window;

  /* Resumed where it stopped, if it was left with its token unused */
  if (c->token == NULL ||
      !pv_application_lookup_setup (app, pv_tenant_info_get_id (c->tenant), pv_connection_info_get_kind (c->connection),
                                    &idp, &token_id) ||
      g_strcmp0 (token_id, pv_token_info_get_id (c->token)) != 0)
    g_clear_pointer (&idp, g_free);
  window = pv_renew_window_new_setup (c->tenants, c->tenant, pv_connection_info_get_kind (c->connection),
                                      idp, idp ? token_id : NULL);
  gtk_window_set_transient_for (window, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))));
  gtk_window_present (window);
}

static void
test_clicked_cb (GtkButton *button,
                 Context   *c)
{
  GtkWindow *window = pv_test_window_new (pv_connection_info_get_scim_base_url (c->connection),
                                          pv_guide_app_name (pv_connection_info_get_kind (c->connection)));

  gtk_window_set_transient_for (window, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))));
  gtk_window_present (window);
}

static char *
when_text (gint64 when,
           gint64 now)
{
  g_autofree char *relative = NULL;
  g_autofree char *date = NULL;

  if (when == 0)
    /* Translators: a token that was never used */
    return g_strdup (_("Never"));
  relative = pv_format_relative (when, now);
  date = pv_format_date (when);
  return g_strdup_printf ("%s (%s)", relative, date);
}

/* The state as it is now (pv_overview_token_state()); a token that a newer
 * one in use replaces is being retired, whatever its expiry. */
static GtkWidget *
token_pill_new (PvTenantInfo     *tenant,
                PvConnectionInfo *connection,
                PvTokenInfo      *token,
                gint64            now)
{
  PvApplication *app = PV_APPLICATION (g_application_get_default ());
  PvExpiryPolicy override;
  gboolean overridden = app != NULL && pv_application_get_override (app, &override);
  GtkWidget *pill;

  if (pv_overview_token_is_retiring (connection, token))
    {
      pill = pv_state_pill_new (PV_EXPIRY_OK);
      gtk_label_set_label (GTK_LABEL (pill), _("Being retired"));
      return pill;
    }
  return pv_state_pill_new (pv_overview_token_state (tenant, overridden ? &override : NULL,
                                                     pv_token_info_get_expires_at (token), now));
}

static GtkWidget *
token_row_new (PvTenantList     *tenants,
               PvTenantInfo     *tenant,
               PvConnectionInfo *connection,
               PvTokenInfo      *token,
               gint64            now)
{
  GtkWidget *row = adw_expander_row_new ();
  const char *description = pv_token_info_get_description (token);
  gboolean in_use = g_strcmp0 (pv_connection_info_get_in_use_token_id (connection), pv_token_info_get_id (token)) == 0;
  gboolean waiting = pv_token_info_get_last_used_at (token) == 0;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *left = pv_format_days_left (pv_token_info_get_expires_at (token), now);
  g_autofree char *created = pv_format_date (pv_token_info_get_created_at (token));
  g_autofree char *created_row = NULL;
  g_autofree char *expires = pv_format_date (pv_token_info_get_expires_at (token));
  g_autofree char *used = when_text (pv_token_info_get_last_used_at (token), now);
  GtkWidget *revoke_row, *revoke_button;
  Context *c;

  title = description && *description ? g_strdup_printf ("%s… · %s", pv_token_info_get_prefix (token), description)
                                      : g_strdup_printf ("%s…", pv_token_info_get_prefix (token));
  if (waiting)
    /* Translators: a token's subtitle: "expires in 300 days", then that the IdP has not used it */
    subtitle = g_strdup_printf (_("%s · waiting for the identity provider's first use"), left);
  else
    {
      g_autofree char *relative = pv_format_relative (pv_token_info_get_last_used_at (token), now);

      /* Translators: a token's subtitle: "expires in 300 days", then "last used 3 minutes ago" */
      subtitle = g_strdup_printf (_("%s · last used %s"), left, relative);
    }
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  adw_expander_row_add_action (ADW_EXPANDER_ROW (row), token_pill_new (tenant, connection, token, now));
  if (in_use)
    {
      GtkWidget *badge = gtk_label_new (_("In use"));

      gtk_widget_add_css_class (badge, "pv-pill");
      gtk_widget_add_css_class (badge, "caption-heading");
      gtk_widget_add_css_class (badge, "accent");
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (badge, _("The identity provider's last request used this token"));
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), badge);
    }

  /* Translators: when a token was created, and by whom */
  created_row = g_strdup_printf (_("%s by %s"), created, pv_token_info_get_created_by (token));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), pv_info_row_new (_("Created"), created_row, FALSE));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), pv_info_row_new (_("Expires"), expires, FALSE));
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), pv_info_row_new (_("Last used"), used, FALSE));
  if (pv_token_info_get_replaced_by (token) != NULL)
    adw_expander_row_add_row (ADW_EXPANDER_ROW (row),
                              pv_info_row_new (_("Replaced by"), pv_token_info_get_replaced_by (token), FALSE));

  revoke_row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (revoke_row), pv_token_info_get_id (token));
  revoke_button = gtk_button_new_with_mnemonic (_("_Revoke…"));
  gtk_widget_set_valign (revoke_button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (revoke_button, "destructive-action");
  {
    /* Translators: the accessible name of a Revoke button: the token's prefix */
    g_autofree char *name = g_strdup_printf (_("Revoke token %s"), pv_token_info_get_prefix (token));

    gtk_accessible_update_property (GTK_ACCESSIBLE (revoke_button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  }
  c = context_new (tenants, tenant, connection, token);
  g_signal_connect_data (revoke_button, "clicked", G_CALLBACK (revoke_clicked_cb), c,
                         context_closure_free, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (revoke_row), revoke_button);
  adw_expander_row_add_row (ADW_EXPANDER_ROW (row), revoke_row);
  return row;
}

static GtkWidget *
deleted_rows_new (PvConnectionInfo *connection)
{
  GListModel *deleted = pv_connection_info_get_deleted_tokens (connection);
  guint n = g_list_model_get_n_items (deleted);
  GtkWidget *row = adw_expander_row_new ();
  g_autofree char *title = NULL;

  /* Translators: an expander listing revoked and retired tokens */
  title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u deleted token", "%u deleted tokens", n), n);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row),
                                 _("Revoked or retired tokens stay listed until they would have expired"));
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
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), child);
    }
  return row;
}

static void
link_clicked_cb (GtkButton *button,
                 Context   *c)
{
  GtkWindow *window = pv_entra_link_window_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (button))),
                                                pv_application_get_entra (PV_APPLICATION (g_application_get_default ())),
                                                c->tenant, pv_connection_info_get_kind (c->connection));

  gtk_window_present (window);
}

/**
 * pv_connection_panel_entra_row_new:
 *
 * The Entra app that provisions the connection: linked or not (with Link…),
 * its job's state, and a renewal Entra has not taken up.  Also on a tracked
 * app's page.
 *
 * Returns: (transfer floating) (nullable): the row
 */
GtkWidget *
pv_connection_panel_entra_row_new (PvTenantList     *tenants,
                                   PvTenantInfo     *tenant,
                                   PvConnectionInfo *connection,
                                   gint64            now)
{
  PvEntraSession *entra = pv_application_get_entra (PV_APPLICATION (g_application_get_default ()));
  const char *kind = pv_connection_info_get_kind (connection);
  const PvEntraLink *link = pv_entra_config_get_link (pv_entra_session_get_config (entra),
                                                      pv_tenant_info_get_id (tenant), kind);
  gboolean warning = FALSE;
  g_autofree char *text = pv_entra_session_describe (entra, tenant, connection, now, &warning);
  g_autofree char *name = NULL;
  GtkWidget *row, *button;

  if (text == NULL)
    return NULL;
  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Entra App"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
  if (warning)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      gtk_widget_add_css_class (icon, "warning");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Needs attention"), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }
  button = gtk_button_new_with_mnemonic (link != NULL ? _("_Change…") : _("_Link…"));
  /* Translators: accessible name: "Link Users to its Entra app" */
  name = g_strdup_printf (_("Link %s to its Entra app"), pv_guide_app_name (kind));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_sensitive (button, pv_entra_session_get_signed_in (entra));
  if (!pv_entra_session_get_signed_in (entra))
    gtk_widget_set_tooltip_text (button, _("Sign in to Microsoft Entra in Preferences first"));
  g_signal_connect_data (button, "clicked", G_CALLBACK (link_clicked_cb),
                         context_new (tenants, tenant, connection, NULL), context_closure_free, 0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  return row;
}

/**
 * pv_connection_panel_new:
 *
 * Returns: (transfer floating): the panel of @connection
 */
GtkWidget *
pv_connection_panel_new (PvTenantList     *tenants,
                         PvTenantInfo     *tenant,
                         PvConnectionInfo *connection)
{
  GtkWidget *panel = adw_preferences_group_new ();
  GtkWidget *buttons = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *renew;
  GtkWidget *test = gtk_button_new_with_mnemonic (_("_Test Connection…"));
  const char *kind = pv_connection_info_get_kind (connection);
  const char *app = pv_guide_app_name (kind);
  const char *idp = pv_connection_info_get_identity_provider (connection);
  GListModel *tokens = pv_connection_info_get_tokens (connection);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *description = NULL;
  g_autofree char *renew_name = NULL;
  g_autofree char *test_name = NULL;

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (panel),
                                   g_str_equal (kind, "persons") ? _("Person Provisioning") : _("User Provisioning"));
  if (idp == NULL)
    /* Translators: a panel's description: "Users" or "Persons" */
    description = g_strdup_printf (_("The identity provider provisions through its own app for %s"), app);
  else
    /* Translators: a panel's description: the identity provider, then "Users" or "Persons" */
    description = g_strdup_printf (_("%s, through its own enterprise app for %s"), pv_guide_provider_name (idp), app);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (panel), description);

  /* A connection without a token is set up; one whose setup was left with
   * its first token unused continues it; any other is renewed. */
  {
    guint n_tokens = g_list_model_get_n_items (tokens);
    g_autoptr(PvTokenInfo) only = n_tokens == 1 ? g_list_model_get_item (tokens, 0) : NULL;
    g_autofree char *idp_left = NULL;
    g_autofree char *token_left = NULL;

    if (only != NULL && pv_token_info_get_last_used_at (only) == 0 &&
        pv_application_lookup_setup (PV_APPLICATION (g_application_get_default ()), pv_tenant_info_get_id (tenant),
                                     kind, &idp_left, &token_left) &&
        g_strcmp0 (token_left, pv_token_info_get_id (only)) == 0)
      {
        renew = gtk_button_new_with_mnemonic (_("_Continue Setup…"));
        /* Translators: accessible name: "Continue the setup of Users" */
        renew_name = g_strdup_printf (_("Continue the setup of %s"), app);
        g_signal_connect_data (renew, "clicked", G_CALLBACK (setup_clicked_cb),
                               context_new (tenants, tenant, connection, only), context_closure_free, 0);
      }
    else if (n_tokens == 0)
      {
        renew = gtk_button_new_with_mnemonic (_("_Set Up…"));
        /* Translators: accessible name: "Set up Users provisioning" */
        renew_name = g_strdup_printf (_("Set up %s provisioning"), app);
        g_signal_connect_data (renew, "clicked", G_CALLBACK (setup_clicked_cb),
                               context_new (tenants, tenant, connection, NULL), context_closure_free, 0);
      }
    else
      {
        renew = gtk_button_new_with_mnemonic (_("_Renew…"));
        /* Translators: accessible name: "Renew Users token" */
        renew_name = g_strdup_printf (_("Renew %s token"), app);
        g_signal_connect_data (renew, "clicked", G_CALLBACK (renew_clicked_cb),
                               context_new (tenants, tenant, connection, NULL), context_closure_free, 0);
      }
  }

  /* Translators: accessible name: "Test Persons connection" */
  test_name = g_strdup_printf (_("Test %s connection"), app);
  gtk_accessible_update_property (GTK_ACCESSIBLE (renew), GTK_ACCESSIBLE_PROPERTY_LABEL, renew_name, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (test), GTK_ACCESSIBLE_PROPERTY_LABEL, test_name, -1);
  gtk_widget_add_css_class (renew, "suggested-action");
  g_signal_connect_data (test, "clicked", G_CALLBACK (test_clicked_cb),
                         context_new (tenants, tenant, connection, NULL), context_closure_free, 0);
  gtk_box_append (GTK_BOX (buttons), test);
  gtk_box_append (GTK_BOX (buttons), renew);
  gtk_widget_set_valign (buttons, GTK_ALIGN_END);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (panel), buttons);

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (panel),
                             pv_info_row_new (_("SCIM base URL"), pv_connection_info_get_scim_base_url (connection), TRUE));
  {
    GtkWidget *entra = pv_connection_panel_entra_row_new (tenants, tenant, connection, now);

    if (entra != NULL)
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (panel), entra);
  }
  if (g_list_model_get_n_items (tokens) == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No token"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), idp == NULL
                                   ? _("Not set up: issue a token to connect an identity provider")
                                   : _("The identity provider cannot provision until a token is issued"));
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (panel), row);
    }
  for (guint i = 0; i < g_list_model_get_n_items (tokens); i++)
    {
      g_autoptr(PvTokenInfo) token = g_list_model_get_item (tokens, i);

      adw_preferences_group_add (ADW_PREFERENCES_GROUP (panel),
                                 token_row_new (tenants, tenant, connection, token, now));
    }
  if (g_list_model_get_n_items (pv_connection_info_get_deleted_tokens (connection)) > 0)
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (panel), deleted_rows_new (connection));
  return panel;
}
