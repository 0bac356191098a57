/* pv-token-row.c: a token of a provisioning connection
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-token-row"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-application.h"
#include "pv-dates.h"
#include "pv-error.h"
#include "pv-guide.h"
#include "pv-overview.h"
#include "pv-shape.h"
#include "pv-token-row.h"
#include "pv-tokens.h"
#include "pv-widgets.h"

/* Its prefix and description, expiry and first or last use, state, and
 * whether the identity provider's last request used it; expanded, its
 * dates and Revoke.  Bound to the token (and to the connection and tenant
 * for "in use" and the state now): a refresh changes its labels in place. */

struct _PvTokenRow
{
  AdwExpanderRow    parent_instance;

  PvTenantList     *tenants;
  PvTenantInfo     *tenant;
  PvConnectionInfo *connection;
  PvTokenInfo      *token;
  GSignalGroup     *token_signals;

  GtkWidget        *pill;
  GtkWidget        *in_use;
  GtkWidget        *created_row;
  GtkWidget        *expires_row;
  GtkWidget        *last_used_row;
  GtkWidget        *replaced_row;
  GtkWidget        *revoke_row;
  GtkWidget        *revoke_button;
};

G_DEFINE_FINAL_TYPE (PvTokenRow, pv_token_row, ADW_TYPE_EXPANDER_ROW)

static const char *
tenant_name (PvTenantInfo *tenant)
{
  const char *name = pv_tenant_info_get_name (tenant);

  return name ? name : pv_tenant_info_get_id (tenant);
}

/* Revoking, in two steps when the identity provider still uses the token */

typedef struct {
  PvTokenRow *row;      /* strong: what is revoked */
  GtkWidget  *widget;   /* for toasts and dialogs; weak */
} Revoking;

static void
revoking_free (Revoking *r)
{
  g_clear_weak_pointer (&r->widget);
  g_clear_object (&r->row);
  g_free (r);
}

static void revoke_token (PvTokenRow *self,
                          GtkWidget  *widget,
                          gboolean    force);

static void
refreshed_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  pv_tenant_info_refresh_finish (PV_TENANT_INFO (source), result, &error);
}

static void
force_response_cb (AdwMessageDialog *dialog,
                   const char       *response,
                   Revoking         *r)
{
  if (g_str_equal (response, "revoke") && r->widget != NULL)
    revoke_token (r->row, r->widget, TRUE);
  revoking_free (r);
}

static void
revoked_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Revoking *r = user_data;
  PvTokenRow *self = r->row;
  g_autoptr(GError) error = NULL;
  const char *app = pv_guide_app_name (pv_connection_info_get_kind (self->connection));

  if (pv_tokens_revoke_finish (result, &error))
    {
      PvClient *client = pv_tenant_list_get_client (self->tenants, self->tenant);

      if (r->widget != NULL)
        {
          /* Translators: %s is a token prefix */
          g_autofree char *text = g_strdup_printf (_("Token %s… revoked"), pv_token_info_get_prefix (self->token));

          pv_toast (r->widget, text);
        }
      if (client != NULL)
        pv_tenant_info_refresh_async (self->tenant, client, NULL, refreshed_cb, NULL);
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
                                      app, tenant_name (self->tenant), pv_token_info_get_prefix (self->token));
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
  revoking_free (r);
}

static void
revoke_token (PvTokenRow *self,
              GtkWidget  *widget,
              gboolean    force)
{
  PvClient *client = pv_tenant_list_get_client (self->tenants, self->tenant);
  Revoking *r;

  if (client == NULL)
    return;
  r = g_new0 (Revoking, 1);
  r->row = g_object_ref (self);
  g_set_weak_pointer (&r->widget, widget);
  pv_tokens_revoke_async (client, pv_connection_info_get_kind (self->connection),
                          pv_token_info_get_id (self->token), force, NULL, revoked_cb, r);
}

static void
confirm_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     PvTokenRow       *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (dialog));

  if (g_str_equal (response, "revoke") && parent != NULL)
    revoke_token (self, GTK_WIDGET (parent), FALSE);
}

static void
revoke_clicked_cb (PvTokenRow *self)
{
  const char *app = pv_guide_app_name (pv_connection_info_get_kind (self->connection));
  GtkWidget *dialog;
  g_autofree char *heading = NULL;

  /* Translators: %s is a token prefix */
  heading = g_strdup_printf (_("Revoke Token %s…?"), pv_token_info_get_prefix (self->token));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), heading, NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                  /* Translators: %s is "Users" or "Persons", then a tenant's name */
                                  _("The %s app of %s can no longer provision with this token. It stays listed "
                                    "as deleted until it would have expired."),
                                  app, tenant_name (self->tenant));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "revoke", _("_Revoke"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "revoke", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  /* The dialog keeps the row (and its token) while it is open. */
  g_signal_connect_data (dialog, "response", G_CALLBACK (confirm_response_cb), g_object_ref (self),
                         (GClosureNotify) (void (*) (void)) g_object_unref, 0);
  gtk_window_present (GTK_WINDOW (dialog));
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

/**
 * pv_token_row_update:
 *
 * Brings the labels up to date with the token, and with the time and
 * policy (the state now); the tenant page calls it on a refresh.
 */
void
pv_token_row_update (PvTokenRow *self)
{
  PvTokenInfo *token = self->token;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *description = pv_token_info_get_description (token);
  gboolean in_use = g_strcmp0 (pv_connection_info_get_in_use_token_id (self->connection),
                               pv_token_info_get_id (token)) == 0;
  PvExpiryPolicy storage;
  const PvExpiryPolicy *override = pv_application_get_override (PV_APPLICATION (g_application_get_default ()),
                                                                &storage);
  PvExpiryState state = pv_overview_token_info_state (self->tenant, override, token, now);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *left = pv_format_days_left (pv_token_info_get_expires_at (token),
                                               pv_tenant_info_get_now (self->tenant, now));
  g_autofree char *created = pv_format_date (pv_token_info_get_created_at (token));
  g_autofree char *created_text = NULL;
  g_autofree char *expires = pv_format_date (pv_token_info_get_expires_at (token));
  g_autofree char *used = when_text (pv_token_info_get_last_used_at (token), now);
  g_autofree char *revoke_name = NULL;

  g_return_if_fail (PV_IS_TOKEN_ROW (self));

  title = description && *description ? g_strdup_printf ("%s… · %s", pv_token_info_get_prefix (token), description)
                                      : g_strdup_printf ("%s…", pv_token_info_get_prefix (token));
  if (pv_token_info_get_last_used_at (token) == 0)
    /* Translators: a token's subtitle: "expires in 300 days", then that the IdP has not used it */
    subtitle = g_strdup_printf (_("%s · waiting for the identity provider's first use"), left);
  else
    {
      g_autofree char *relative = pv_format_relative (pv_token_info_get_last_used_at (token), now);

      /* Translators: a token's subtitle: "expires in 300 days", then "last used 3 minutes ago" */
      subtitle = g_strdup_printf (_("%s · last used %s"), left, relative);
    }
  if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (self)), title) != 0)
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), title);
  if (g_strcmp0 (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (self)), subtitle) != 0)
    adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self), subtitle);

  /* A token that a newer one in use replaces is being retired, whatever
   * its expiry: not coloured as a problem. */
  if (pv_overview_token_is_retiring (self->connection, token))
    pv_state_pill_set_state (self->pill, PV_EXPIRY_OK, pv_overview_state_label (state, TRUE));
  else
    pv_state_pill_set_state (self->pill, state, NULL);
  gtk_widget_set_visible (self->in_use, in_use);

  /* Translators: when a token was created, and by whom */
  created_text = g_strdup_printf (_("%s by %s"), created, pv_token_info_get_created_by (token));
  pv_info_row_set_value (self->created_row, created_text);
  pv_info_row_set_value (self->expires_row, expires);
  pv_info_row_set_value (self->last_used_row, used);
  pv_info_row_set_value (self->replaced_row, pv_token_info_get_replaced_by (token));
  gtk_widget_set_visible (self->replaced_row, pv_token_info_get_replaced_by (token) != NULL);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->revoke_row), pv_token_info_get_id (token));
  /* Translators: the accessible name of a Revoke button: the token's prefix */
  revoke_name = g_strdup_printf (_("Revoke token %s"), pv_token_info_get_prefix (token));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->revoke_button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  revoke_name, -1);
}

/**
 * pv_token_row_get_token:
 *
 * Returns: (transfer none): the token the row shows
 */
PvTokenInfo *
pv_token_row_get_token (PvTokenRow *self)
{
  g_return_val_if_fail (PV_IS_TOKEN_ROW (self), NULL);
  return self->token;
}

static void
pv_token_row_dispose (GObject *object)
{
  PvTokenRow *self = PV_TOKEN_ROW (object);

  if (self->token_signals != NULL)
    g_signal_group_set_target (self->token_signals, NULL);
  g_clear_object (&self->token_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), PV_TYPE_TOKEN_ROW);
  g_clear_object (&self->token);
  g_clear_object (&self->connection);
  g_clear_object (&self->tenant);
  g_clear_object (&self->tenants);

  G_OBJECT_CLASS (pv_token_row_parent_class)->dispose (object);
}

static void
pv_token_row_class_init (PvTokenRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pv_token_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/provisio/Provisio/ui/pv-token-row.ui");
  gtk_widget_class_bind_template_child (widget_class, PvTokenRow, pill);
  gtk_widget_class_bind_template_child (widget_class, PvTokenRow, in_use);
  gtk_widget_class_bind_template_child (widget_class, PvTokenRow, created_row);
  gtk_widget_class_bind_template_child (widget_class, PvTokenRow, expires_row);
  gtk_widget_class_bind_template_child (widget_class, PvTokenRow, last_used_row);
  gtk_widget_class_bind_template_child (widget_class, PvTokenRow, replaced_row);
  gtk_widget_class_bind_template_child (widget_class, PvTokenRow, revoke_row);
  gtk_widget_class_bind_template_child (widget_class, PvTokenRow, revoke_button);
  gtk_widget_class_bind_template_callback (widget_class, revoke_clicked_cb);
}

static void
pv_token_row_init (PvTokenRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Its arrow without librsvg (pv-shape.c) */
  pv_shape_set_expander_arrow (ADW_EXPANDER_ROW (self));

  /* Any change of the token (its first use, its retirement) shows at once. */
  self->token_signals = g_signal_group_new (PV_TYPE_TOKEN_INFO);
  g_signal_group_connect_swapped (self->token_signals, "notify", G_CALLBACK (pv_token_row_update), self);
}

/**
 * pv_token_row_new:
 *
 * Returns: (transfer floating): a row showing @token of @connection
 */
GtkWidget *
pv_token_row_new (PvTenantList     *tenants,
                  PvTenantInfo     *tenant,
                  PvConnectionInfo *connection,
                  PvTokenInfo      *token)
{
  PvTokenRow *self = g_object_new (PV_TYPE_TOKEN_ROW, NULL);

  self->tenants = g_object_ref (tenants);
  self->tenant = g_object_ref (tenant);
  self->connection = g_object_ref (connection);
  self->token = g_object_ref (token);
  pv_token_row_update (self);
  g_signal_group_set_target (self->token_signals, token);
  /* "In use" follows the connection's last request. */
  g_signal_connect_object (connection, "notify::in-use-token-id", G_CALLBACK (pv_token_row_update), self,
                           G_CONNECT_SWAPPED);
  return GTK_WIDGET (self);
}
