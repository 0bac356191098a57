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
 * and how a new one is made and pasted once.
 *
 * The page stays while the app changes (a check's verdict, a refresh, a
 * token pasted): its entry in the tenant list is updated in place
 * (pv_tenant_list_add_tracked_app()), and the page follows its "changed"
 * signal, updating its rows in place.  A connection's group is kept as
 * long as its connection is; the console's steps are built anew only
 * when what they say changes.  The reader keeps their place. */

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

/* One connection's group */

struct _PvAppConnectionGroup
{
  AdwPreferencesGroup parent_instance;

  PvTenantList       *tenants;
  char               *app_id;
  char               *kind;

  GtkWidget          *renew_button;
  GtkWidget          *scim_row;
  GtkWidget          *token_row;
  GtkWidget          *checked_row;
  GtkWidget          *entra_row;     /* nullable */
  GtkWidget          *pending_row;
};

G_DEFINE_FINAL_TYPE (PvAppConnectionGroup, pv_app_connection_group, ADW_TYPE_PREFERENCES_GROUP)

static void
renew_clicked_cb (PvAppConnectionGroup *self)
{
  PvTenantInfo *tenant = pv_tenant_list_lookup (self->tenants, self->app_id);
  PvTrackedApp *app = tenant ? pv_tenant_list_get_tracked_app (self->tenants, tenant) : NULL;
  GtkWindow *window;

  if (app == NULL)
    return;
  window = GTK_WINDOW (pv_paste_renew_window_new (self->tenants, app, self->kind));
  gtk_window_set_transient_for (window, GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_present (window);
}

/* How pressing @kind's connection of the app is now, as the overview,
 * the sidebar and the tenant page say (a token the vendor refused counts
 * as expired). */
static PvExpiryState
connection_state (PvTenantInfo *tenant,
                  const char   *kind)
{
  GListModel *connections = pv_tenant_info_get_connections (tenant);

  for (guint i = 0; i < g_list_model_get_n_items (connections); i++)
    {
      g_autoptr(PvConnectionInfo) connection = g_list_model_get_item (connections, i);

      if (g_strcmp0 (pv_connection_info_get_kind (connection), kind) == 0)
        return pv_connection_state_now (tenant, connection);
    }
  return PV_EXPIRY_OK;
}

static void
pv_app_connection_group_update (PvAppConnectionGroup *self,
                                PvTrackedApp         *app,
                                PvTrackedConnection  *connection)
{
  PvTenantInfo *tenant = pv_tenant_list_lookup (self->tenants, self->app_id);
  GKeyFile *checks = pv_tenant_list_get_checks (self->tenants);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *date = pv_format_date (connection->expires_at);
  g_autofree char *left = pv_format_days_left (connection->expires_at, now);
  g_autofree char *expires = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *checked = NULL;
  PvProbeVerdict verdict;
  gint64 checked_at;

  gtk_button_set_label (GTK_BUTTON (self->renew_button),
                        connection->pending_since != 0 ? _("_Continue…") : _("_Renew…"));
  /* Prominent only where something is to be done, as on a tenant's page */
  if (connection->pending_since != 0 || (tenant != NULL && connection_state (tenant, self->kind) != PV_EXPIRY_OK))
    gtk_widget_add_css_class (self->renew_button, "suggested-action");
  else
    gtk_widget_remove_css_class (self->renew_button, "suggested-action");
  pv_info_row_set_value (self->scim_row, connection->scim_base_url);
  /* Translators: "expires in 9 days", a date, and where the date comes from */
  expires = g_strdup_printf (_("%s, on %s (%s)"), left, date, pv_expiry_source_to_label (connection->source));
  pv_info_row_set_value (self->token_row, expires);
  if (!connection->token_in_keyring)
    checked = g_strdup (_("Only its dates are tracked: the token is not kept, so it is not checked"));
  else if (pv_tracked_checks_get (checks, app, connection->kind, &verdict, &detail, &checked_at))
    {
      g_autofree char *when = pv_format_relative (checked_at, now);

      /* Translators: the check's verdict in words, then when, such as "5 minutes ago" */
      checked = g_strdup_printf (_("%s (%s)"), detail, when);
    }
  else
    checked = g_strdup (_("Not checked yet: the next refresh asks the vendor"));
  pv_info_row_set_value (self->checked_row, checked);
  /* Its Entra app, linked as a tenant's connection is; the row follows
   * the sign-in and the links by itself. */
  if (self->entra_row != NULL)
    pv_entra_row_update (PV_ENTRA_ROW (self->entra_row));
  gtk_widget_set_visible (self->pending_row, connection->pending_since != 0);
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

      pv_info_row_set_value (self->pending_row, pending);
    }
}

static void
pv_app_connection_group_dispose (GObject *object)
{
  PvAppConnectionGroup *self = PV_APP_CONNECTION_GROUP (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PV_TYPE_APP_CONNECTION_GROUP);
  g_clear_object (&self->tenants);
  g_clear_pointer (&self->app_id, g_free);
  g_clear_pointer (&self->kind, g_free);

  G_OBJECT_CLASS (pv_app_connection_group_parent_class)->dispose (object);
}

static void
pv_app_connection_group_class_init (PvAppConnectionGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pv_app_connection_group_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/provisio/Provisio/ui/pv-app-connection-group.ui");
  gtk_widget_class_bind_template_child (widget_class, PvAppConnectionGroup, renew_button);
  gtk_widget_class_bind_template_callback (widget_class, renew_clicked_cb);
}

static void
pv_app_connection_group_init (PvAppConnectionGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* The group of @app's connection @kind, in @tenant (its entry in @tenants) */
static PvAppConnectionGroup *
pv_app_connection_group_new (PvTenantList *tenants,
                             PvTenantInfo *tenant,
                             PvTrackedApp *app,
                             const char   *kind)
{
  PvAppConnectionGroup *self = g_object_new (PV_TYPE_APP_CONNECTION_GROUP, NULL);
  PvConnectionInfo *shown = pv_tenant_info_get_connection (tenant, kind);

  self->tenants = g_object_ref (tenants);
  self->app_id = g_strdup (app->id);
  self->kind = g_strdup (kind);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self), g_str_equal (kind, "persons")
                                                                 ? _("Person Provisioning")
                                                                 : _("User Provisioning"));
  self->scim_row = pv_info_row_add (GTK_WIDGET (self), _("SCIM base URL"), TRUE);
  self->token_row = pv_info_row_add (GTK_WIDGET (self), _("Token"), FALSE);
  self->checked_row = pv_info_row_add (GTK_WIDGET (self), _("Last check"), FALSE);
  if (shown != NULL)
    {
      self->entra_row = pv_entra_row_new (tenants, tenant, shown);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (self), self->entra_row);
    }
  self->pending_row = pv_info_row_add (GTK_WIDGET (self), _("New token"), FALSE);
  return self;
}

/**
 * pv_app_connection_group_get_kind:
 *
 * Returns: the connection the group shows: "users" or "persons"
 */
const char *
pv_app_connection_group_get_kind (PvAppConnectionGroup *self)
{
  g_return_val_if_fail (PV_IS_APP_CONNECTION_GROUP (self), NULL);
  return self->kind;
}

/* The page */

struct _PvAppPage
{
  AdwPreferencesPage  parent_instance;

  PvTenantList       *tenants;
  PvTenantInfo       *tenant;
  GSignalGroup       *signals;
  char               *renew_shown;   /* what the console's steps say, as built */

  GtkWidget          *app_group;
  GtkWidget          *vendor_row;
  GtkWidget          *console_row;
  GtkWidget          *renew_group;   /* the last group, built by the code */
  GPtrArray          *groups;        /* PvAppConnectionGroup, as shown */
};

G_DEFINE_FINAL_TYPE (PvAppPage, pv_app_page, ADW_TYPE_PREFERENCES_PAGE)

/* How a new token is made in the console and pasted once: a group built
 * anew only when what it says changes, which is seldom; always the last. */
static void
update_renew_group (PvAppPage      *self,
                    PvTrackedApp   *app,
                    const PvVendor *vendor)
{
  PvTrackedConnection *first = g_ptr_array_index (app->connections, 0);
  g_autofree char *shown = g_strjoin ("\n", vendor->id, app->id, first->kind, app->name ? app->name : "",
                                      first->scim_base_url ? first->scim_base_url : "", NULL);
  g_autoptr(GPtrArray) steps = NULL;
  g_autofree char *command = NULL;
  g_autofree char *title = NULL;
  GtkWidget *group;

  if (g_strcmp0 (shown, self->renew_shown) == 0)
    return;
  g_free (self->renew_shown);
  self->renew_shown = g_steal_pointer (&shown);

  group = adw_preferences_group_new ();
  steps = pv_vendor_renew_steps (vendor, first->kind, app->name, first->scim_base_url);
  command = g_strdup_printf ("provisioctl app renew %s %s", app->id, first->kind);
  /* Translators: a vendor's name */
  title = g_strdup_printf (_("Renew in the Console of %s"), vendor->name);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  pv_app_page_describe_console (group, vendor);
  pv_app_page_add_steps (group, steps);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             pv_info_row_new (_("Then paste the new token once with Renew…, or in a terminal"),
                                              command, TRUE));
  if (self->renew_group != NULL)
    adw_preferences_page_remove (ADW_PREFERENCES_PAGE (self), ADW_PREFERENCES_GROUP (self->renew_group));
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), ADW_PREFERENCES_GROUP (group));
  self->renew_group = group;
}

static PvAppConnectionGroup *
find_group (PvAppPage  *self,
            const char *kind)
{
  for (guint i = 0; i < self->groups->len; i++)
    if (g_str_equal (pv_app_connection_group_get_kind (g_ptr_array_index (self->groups, i)), kind))
      return g_ptr_array_index (self->groups, i);
  return NULL;
}

static int
compare_groups (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  PvTenantInfo *tenant = user_data;
  const char *x = pv_app_connection_group_get_kind (*(PvAppConnectionGroup **) a);
  const char *y = pv_app_connection_group_get_kind (*(PvAppConnectionGroup **) b);

  /* The most pressing first; otherwise in the app's order (a stable sort) */
  return (int) connection_state (tenant, y) - (int) connection_state (tenant, x);
}

/* A group per connection, kept as long as its connection is, the most
 * pressing first (as on a tenant's page), between the app's group and
 * the console's.  The groups move only when that order changes. */
static void
update_groups (PvAppPage    *self,
               PvTrackedApp *app)
{
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean same;

  for (guint i = 0; i < app->connections->len; i++)
    {
      PvTrackedConnection *connection = g_ptr_array_index (app->connections, i);
      PvAppConnectionGroup *group = find_group (self, connection->kind);

      if (group == NULL)
        group = pv_app_connection_group_new (self->tenants, self->tenant, app, connection->kind);
      pv_app_connection_group_update (group, app, connection);
      g_ptr_array_add (groups, g_object_ref_sink (group));
    }
  g_ptr_array_sort_with_data (groups, compare_groups, self->tenant);

  same = groups->len == self->groups->len;
  for (guint i = 0; same && i < groups->len; i++)
    same = g_ptr_array_index (groups, i) == g_ptr_array_index (self->groups, i);
  if (!same)
    {
      g_autoptr(GtkWidget) renew_group = self->renew_group ? g_object_ref (self->renew_group) : NULL;

      for (guint i = 0; i < self->groups->len; i++)
        adw_preferences_page_remove (ADW_PREFERENCES_PAGE (self), g_ptr_array_index (self->groups, i));
      if (renew_group != NULL)
        adw_preferences_page_remove (ADW_PREFERENCES_PAGE (self), ADW_PREFERENCES_GROUP (renew_group));
      for (guint i = 0; i < groups->len; i++)
        adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), g_ptr_array_index (groups, i));
      if (renew_group != NULL)
        adw_preferences_page_add (ADW_PREFERENCES_PAGE (self), ADW_PREFERENCES_GROUP (renew_group));
    }
  g_ptr_array_unref (self->groups);
  self->groups = g_steal_pointer (&groups);
}

static void
update (PvAppPage *self)
{
  PvTrackedApp *app = self->tenant ? pv_tenant_list_get_tracked_app (self->tenants, self->tenant) : NULL;
  g_autoptr(PvVendor) vendor = NULL;
  const char *description;

  /* Gone: the window shows another page */
  if (app == NULL)
    return;
  vendor = pv_vendor_lookup (app->vendor, NULL);
  if (vendor == NULL)
    vendor = pv_vendor_lookup ("other", NULL);
  description = app->demo
                ? _("The demo's: its vendor is the demo server, its tokens in memory only.")
                : _("Its vendor makes its tokens in its own console; Provisio keeps them "
                    "in the keyring only and asks the vendor whether it still accepts "
                    "them.");
  if (g_strcmp0 (adw_preferences_group_get_description (ADW_PREFERENCES_GROUP (self->app_group)), description) != 0)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->app_group), description);
  pv_info_row_set_value (self->vendor_row, vendor->name);
  gtk_widget_set_visible (self->console_row, vendor->console != NULL);
  pv_info_row_set_value (self->console_row, vendor->console);
  update_groups (self, app);
  update_renew_group (self, app, vendor);
}

static void
clear_groups (PvAppPage *self)
{
  for (guint i = 0; i < self->groups->len; i++)
    adw_preferences_page_remove (ADW_PREFERENCES_PAGE (self), g_ptr_array_index (self->groups, i));
  g_ptr_array_set_size (self->groups, 0);
  if (self->renew_group != NULL)
    adw_preferences_page_remove (ADW_PREFERENCES_PAGE (self), ADW_PREFERENCES_GROUP (self->renew_group));
  self->renew_group = NULL;
  g_clear_pointer (&self->renew_shown, g_free);
}

/**
 * pv_app_page_set_tenant:
 * @tenant: a tracked app as its entry in @tenants
 *
 * Shows @tenant's app.  The page follows it from then on; another app
 * gets its own groups, read from the top.
 */
void
pv_app_page_set_tenant (PvAppPage    *self,
                        PvTenantInfo *tenant,
                        PvTenantList *tenants)
{
  g_return_if_fail (PV_IS_APP_PAGE (self));
  g_return_if_fail (PV_IS_TENANT_INFO (tenant));
  g_return_if_fail (PV_IS_TENANT_LIST (tenants));

  if (self->tenant == tenant && self->tenants == tenants)
    return;
  clear_groups (self);
  g_set_object (&self->tenants, tenants);
  g_set_object (&self->tenant, tenant);
  g_signal_group_set_target (self->signals, tenant);
  update (self);
  {
    GtkWidget *scrolled = gtk_widget_get_first_child (GTK_WIDGET (self));

    if (GTK_IS_SCROLLED_WINDOW (scrolled))
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)), 0);
  }
}

/**
 * pv_app_page_get_tenant:
 *
 * Returns: (transfer none) (nullable): the app shown, as its entry in the
 *   tenant list
 */
PvTenantInfo *
pv_app_page_get_tenant (PvAppPage *self)
{
  g_return_val_if_fail (PV_IS_APP_PAGE (self), NULL);
  return self->tenant;
}

static void
pv_app_page_dispose (GObject *object)
{
  PvAppPage *self = PV_APP_PAGE (object);

  if (self->signals != NULL)
    g_signal_group_set_target (self->signals, NULL);
  g_clear_object (&self->signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), PV_TYPE_APP_PAGE);
  g_clear_pointer (&self->groups, g_ptr_array_unref);
  g_clear_pointer (&self->renew_shown, g_free);
  g_clear_object (&self->tenant);
  g_clear_object (&self->tenants);

  G_OBJECT_CLASS (pv_app_page_parent_class)->dispose (object);
}

static void
pv_app_page_class_init (PvAppPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = pv_app_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/provisio/Provisio/ui/pv-app-page.ui");
  gtk_widget_class_bind_template_child (widget_class, PvAppPage, app_group);
}

static void
pv_app_page_init (PvAppPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->groups = g_ptr_array_new_with_free_func (g_object_unref);
  self->vendor_row = pv_info_row_add (self->app_group, _("Vendor"), FALSE);
  self->console_row = pv_info_row_add (self->app_group, _("Console"), TRUE);

  self->signals = g_signal_group_new (PV_TYPE_TENANT_INFO);
  g_signal_group_connect_swapped (self->signals, "changed", G_CALLBACK (update), self);
}

/**
 * pv_app_page_new:
 *
 * Returns: (transfer floating): a page for a tracked app
 *   (pv_app_page_set_tenant())
 */
GtkWidget *
pv_app_page_new (void)
{
  return g_object_new (PV_TYPE_APP_PAGE, NULL);
}
