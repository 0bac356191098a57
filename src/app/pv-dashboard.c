/* pv-dashboard.c: every token of every tenant at a glance
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-dashboard"

#include "config.h"

#include <glib/gi18n.h>

#include "pv-application.h"
#include "pv-dashboard.h"
#include "pv-dates.h"
#include "pv-overview.h"
#include "pv-reminders.h"
#include "pv-search.h"
#include "pv-shape.h"
#include "pv-renew-window.h"
#include "pv-timeline.h"
#include "pv-widgets.h"
#include "pv-entra-ui.h"
#include "pv-guide.h"
#include "pv-window.h"

/* The overview: a summary of states whose counts filter it, the next
 * actions first (grouped: expired, urgent, due soon, waiting for the
 * identity provider, could not be asked; each group folds), then the
 * timeline, soonest expiry first, in a pane of its own so that a thousand
 * bars do not push the rest away.  What it shows is computed in
 * libprovisio (pv-overview.c); this only lays it out. */

struct _PvDashboard
{
  AdwBin        parent_instance;

  PvTenantList *tenants;
  guint         saml_shown;   /* SAML certificates on the timeline */
  GtkLabel     *summary;
  GtkLabel     *updated;
  GtkWidget    *ask_banner;   /* first run: remind in the background? */
  GtkBox       *counts;
  PvTimeline   *timeline;
  GtkWidget    *scrolled;
  GtkWidget    *actions_group;
  GtkListBox   *actions_list;
  GtkWidget    *groups[PV_N_ACTION_GROUPS];  /* AdwExpanderRow */
  GPtrArray    *group_rows[PV_N_ACTION_GROUPS];
  GPtrArray    *actions;      /* PvNextAction: what the groups show */
  gboolean      group_built[PV_N_ACTION_GROUPS];
  GtkWidget    *all_box;      /* "Show All": every action, filtered */
  GtkEditable  *all_search;
  GListStore   *all_store;    /* PvActionItem */
  GtkFilter    *all_filter;
  GtkWidget    *all_view;
  char        **all_words;
  int           state_filter; /* a pill's state, or -1 */
  GtkWidget    *health_group;
  GtkListBox   *health_list;
  char         *health_shown;
  GPtrArray    *health_rest;  /* HealthEntry, for the expander's rows */
  GPtrArray    *action_rows;
  char         *shown;        /* what the action rows say, to skip redoing them */
  char         *counted;      /* the same for the counts */
  gboolean      show_all;
  GHashTable   *parts;        /* PvTenantInfo → Part */
  guint         generation;
  gboolean      parts_overridden;
  PvExpiryPolicy parts_override;
};

/* Beyond this, the rest waits behind a "Show All" row: hundreds of rows
 * would make every refresh stall the window. */
#define ACTION_ROWS 10

G_DEFINE_FINAL_TYPE (PvDashboard, pv_dashboard, ADW_TYPE_BIN)

static PvApplication *
get_app (PvDashboard *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  return root ? PV_APPLICATION (gtk_window_get_application (GTK_WINDOW (root))) : NULL;
}

static void
action_button_cb (GtkButton   *button,
                  PvDashboard *self)
{
  PvNextAction *action = g_object_get_data (G_OBJECT (button), "action");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  switch (action->action)
    {
    case PV_ACTION_RENEW:
      {
        GtkWindow *window = pv_renew_window_new (self->tenants, action->tenant, action->kind);

        gtk_window_set_transient_for (window, GTK_WINDOW (root));
        gtk_window_present (window);
      }
      break;
    case PV_ACTION_RECONNECT:
      pv_application_refresh (get_app (self));
      break;
    case PV_ACTION_RENEW_CERTIFICATE:
      if (pv_entra_saml_info_get_app_name (action->tenant) != NULL)
        {
          gtk_window_present (pv_entra_saml_steps_window_new (GTK_WINDOW (root), action->tenant));
          break;
        }
      G_GNUC_FALLTHROUGH;
    case PV_ACTION_FINISH_RENEWAL:
    default:
      pv_window_show_tenant (PV_WINDOW (root), pv_tenant_info_get_id (action->tenant));
      break;
    }
}

/* Enter or a click on a next action's row: a SAML app's steps, or the
 * tenant's page */
static void
open_action (PvDashboard  *self,
             PvNextAction *action)
{
  if (action != NULL && pv_entra_saml_info_get_app_name (action->tenant) != NULL)
    gtk_window_present (pv_entra_saml_steps_window_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                                        action->tenant));
  else if (action != NULL)
    pv_window_show_tenant (PV_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                           pv_tenant_info_get_id (action->tenant));
}

static void
action_row_activated_cb (GtkListBox    *list,
                         GtkListBoxRow *row,
                         PvDashboard   *self)
{
  open_action (self, g_object_get_data (G_OBJECT (row), "action"));
}

/* A next action as an item of a list model, for the list view of Show All */
#define PV_TYPE_ACTION_ITEM (pv_action_item_get_type ())
G_DECLARE_FINAL_TYPE (PvActionItem, pv_action_item, PV, ACTION_ITEM, GObject)

struct _PvActionItem
{
  GObject       parent_instance;
  PvNextAction *action;
};

G_DEFINE_FINAL_TYPE (PvActionItem, pv_action_item, G_TYPE_OBJECT)

static void
pv_action_item_finalize (GObject *object)
{
  g_clear_pointer (&PV_ACTION_ITEM (object)->action, pv_next_action_unref);
  G_OBJECT_CLASS (pv_action_item_parent_class)->finalize (object);
}

static void
pv_action_item_class_init (PvActionItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pv_action_item_finalize;
}

static void
pv_action_item_init (PvActionItem *self)
{
}

static PvActionItem *
pv_action_item_new (PvNextAction *action)
{
  PvActionItem *self = g_object_new (PV_TYPE_ACTION_ITEM, NULL);

  self->action = pv_next_action_ref (action);
  return self;
}

/* What a row of the next actions holds: the state, the action and why, and
 * its button.  Plain boxes, lighter than an AdwActionRow: the overview
 * redoes these as tenants answer, and their layout is what a refresh
 * costs.  Made once, filled by action_box_set() (the list view of Show
 * All fills the same box with another action as it scrolls). */
static GtkWidget *
action_box_new (PvDashboard *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *labels = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);
  GtkWidget *dot = pv_state_dot_new ();
  GtkWidget *button = gtk_button_new ();

  gtk_widget_add_css_class (box, "pv-action-row");
  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_set_hexpand (labels, TRUE);
  gtk_widget_set_valign (labels, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (labels), title);
  gtk_box_append (GTK_BOX (labels), subtitle);
  gtk_widget_set_valign (dot, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), dot);
  gtk_box_append (GTK_BOX (box), labels);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect (button, "clicked", G_CALLBACK (action_button_cb), self);
  gtk_box_append (GTK_BOX (box), button);
  g_object_set_data (G_OBJECT (box), "dot", dot);
  g_object_set_data (G_OBJECT (box), "title", title);
  g_object_set_data (G_OBJECT (box), "subtitle", subtitle);
  g_object_set_data (G_OBJECT (box), "button", button);
  return box;
}

static void
action_box_set (GtkWidget    *box,
                PvNextAction *action)
{
  GtkWidget *button = g_object_get_data (G_OBJECT (box), "button");
  const char *label;

  gtk_label_set_label (g_object_get_data (G_OBJECT (box), "title"), action->title);
  gtk_label_set_label (g_object_get_data (G_OBJECT (box), "subtitle"), action->subtitle);
  pv_set_tooltip (box, action->subtitle);
  pv_set_state_class (g_object_get_data (G_OBJECT (box), "dot"), action->state);
  switch (action->action)
    {
    case PV_ACTION_RENEW:
      label = _("_Renew…");
      break;
    case PV_ACTION_RECONNECT:
      label = _("_Retry");
      break;
    case PV_ACTION_FINISH_RENEWAL:
    case PV_ACTION_RENEW_CERTIFICATE:
    default:
      label = _("_Show");
      break;
    }
  gtk_button_set_label (GTK_BUTTON (button), label);
  gtk_button_set_use_underline (GTK_BUTTON (button), TRUE);
  if (action->action == PV_ACTION_RENEW)
    gtk_widget_add_css_class (button, "suggested-action");
  else
    gtk_widget_remove_css_class (button, "suggested-action");
  /* The button's accessible name says which token of which tenant. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, action->title, -1);
  g_object_set_data_full (G_OBJECT (button), "action", pv_next_action_ref (action),
                          (GDestroyNotify) pv_next_action_unref);
}

static void
action_row_set (GtkWidget    *row,
                PvNextAction *action)
{
  action_box_set (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row)), action);
  g_object_set_data_full (G_OBJECT (row), "action", pv_next_action_ref (action),
                          (GDestroyNotify) pv_next_action_unref);
}

static GtkWidget *
action_row_new (PvDashboard  *self,
                PvNextAction *action)
{
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), action_box_new (self));
  action_row_set (row, action);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  return row;
}

static void
pill_toggled_cb (GtkToggleButton *pill,
                 PvDashboard     *self)
{
  int state = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (pill), "state"));

  if (gtk_toggle_button_get_active (pill))
    self->state_filter = state;
  else if (self->state_filter == state)
    self->state_filter = -1;
  else
    return;
  /* One pill at a time: the others let go. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->counts)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (child != GTK_WIDGET (pill))
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child), FALSE);
  pv_dashboard_update (self);
}

static void
update_counts (PvDashboard *self,
               GPtrArray   *items,
               gint64       now)
{
  guint counts[PV_EXPIRY_EXPIRED + 1] = { 0 };
  g_autofree char *signature = NULL;
  guint n_tenants = g_list_model_get_n_items (G_LIST_MODEL (self->tenants));
  g_autofree char *summary = NULL;
  gint64 updated = 0;
  GtkWidget *child;

  /* A token being retired stops nothing: it counts for nothing. */
  for (guint i = 0; i < items->len; i++)
    {
      PvOverviewItem *item = g_ptr_array_index (items, i);

      if (!item->retiring)
        counts[item->state]++;
    }

  /* Translators: the first part of the dashboard's summary */
  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u tenant", "%u tenants", n_tenants), n_tenants);
  {
    g_autofree char *tokens = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u token or certificate",
                                                            "%u tokens and certificates", items->len),
                                               items->len);
    g_autofree char *both = g_strdup_printf ("%s · %s", summary, tokens);

    gtk_label_set_label (self->summary, both);
  }

  /* When the state shown was last asked for */
  for (guint i = 0; i < n_tenants; i++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (G_LIST_MODEL (self->tenants), i);

      updated = MAX (updated, pv_tenant_info_get_fetched_at (tenant));
    }
  if (updated > 0)
    {
      g_autofree char *ago = pv_format_relative (updated, now);
      /* Translators: when the overview's tenants were last asked: "just now", "3 minutes ago" */
      g_autofree char *text = g_strdup_printf (_("Updated %s"), ago);

      gtk_label_set_label (self->updated, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->updated), updated > 0);

  signature = g_strdup_printf ("%u %u %u %u %d", counts[0], counts[1], counts[2], counts[3], self->state_filter);
  if (g_strcmp0 (signature, self->counted) == 0)
    return;
  g_free (self->counted);
  self->counted = g_steal_pointer (&signature);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->counts))))
    gtk_box_remove (self->counts, child);
  for (int state = PV_EXPIRY_EXPIRED; state >= PV_EXPIRY_OK; state--)
    {
      g_autofree char *text = NULL;
      g_autofree char *tooltip = NULL;
      GtkWidget *pill;

      if (counts[state] == 0)
        continue;
      /* Translators: a count on the dashboard: "2 Expired", "3 Due soon" */
      text = g_strdup_printf (_("%u %s"), counts[state], pv_expiry_state_to_label (state));
      /* A pill is a toggle: pressed, the overview shows only its state. */
      pill = gtk_toggle_button_new_with_label (text);
      gtk_widget_add_css_class (pill, "pv-pill");
      gtk_widget_add_css_class (pill, "caption-heading");
      pv_set_state_class (pill, state);
      /* Translators: the tooltip of a count on the overview; %s is a state: "Due soon" */
      tooltip = g_strdup_printf (_("Show only “%s”"), pv_expiry_state_to_label (state));
      pv_set_tooltip (pill, tooltip);
      g_object_set_data (G_OBJECT (pill), "state", GINT_TO_POINTER (state));
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (pill), self->state_filter == state);
      g_signal_connect (pill, "toggled", G_CALLBACK (pill_toggled_cb), self);
      gtk_box_append (self->counts, pill);
    }
}

static void update_actions (PvDashboard *self,
                            GPtrArray   *actions);

static void
health_row_activated_cb (GtkListBox    *list,
                         GtkListBoxRow *row,
                         PvDashboard   *self)
{
  const char *tenant = g_object_get_data (G_OBJECT (row), "tenant");

  pv_window_show_tenant (PV_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))), tenant);
}

/* Provisioning health: each connection Entra provisions, with its job's
 * state where Provisio is signed in, and a renewal Entra has not taken up.
 * Those that need attention first; beyond the first few, the rest behind
 * an expander whose rows are made when it opens: an estate of hundreds of
 * connections would otherwise lay out hundreds of rows at each refresh. */

#define HEALTH_ROWS 10

typedef struct {
  char     *tenant;
  char     *title;
  char     *text;
  gboolean  warning;
  guint     order;
} HealthEntry;

static void
health_entry_free (HealthEntry *entry)
{
  /* Those moved to the expander's list leave a hole */
  if (entry == NULL)
    return;
  g_free (entry->tenant);
  g_free (entry->title);
  g_free (entry->text);
  g_free (entry);
}

static gint
compare_health (gconstpointer a,
                gconstpointer b)
{
  const HealthEntry *x = *(HealthEntry **) a;
  const HealthEntry *y = *(HealthEntry **) b;

  if (x->warning != y->warning)
    return x->warning ? -1 : 1;
  return (x->order > y->order) - (x->order < y->order);
}

static GtkWidget *
health_row_new (HealthEntry *entry)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), entry->title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), entry->text);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  g_object_set_data_full (G_OBJECT (row), "tenant", g_strdup (entry->tenant), g_free);
  if (entry->warning)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");

      gtk_widget_add_css_class (icon, "warning");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Needs attention"), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
    }
  return row;
}

/* The expander's rows, made when it first opens */
static void
health_more_expanded_cb (AdwExpanderRow *more,
                         GParamSpec     *pspec,
                         PvDashboard    *self)
{
  GtkWidget *parent = NULL;

  if (!adw_expander_row_get_expanded (more) || self->health_rest == NULL)
    return;
  for (guint i = 0; i < self->health_rest->len; i++)
    {
      GtkWidget *row = health_row_new (g_ptr_array_index (self->health_rest, i));

      adw_expander_row_add_row (more, row);
      parent = gtk_widget_get_parent (row);
    }
  g_clear_pointer (&self->health_rest, g_ptr_array_unref);
  /* Enter or a click opens the tenant here too: the expander keeps its
   * rows in a list of its own. */
  if (GTK_IS_LIST_BOX (parent))
    g_signal_connect (parent, "row-activated", G_CALLBACK (health_row_activated_cb), self);
}

static void
update_health (PvDashboard *self,
               gint64       now)
{
  PvEntraSession *entra = pv_application_get_entra (PV_APPLICATION (g_application_get_default ()));
  g_autoptr(GString) shown = g_string_new (NULL);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) health_entry_free);
  GtkWidget *child;

  /* What the rows would say, in words first: rows are made only when
   * that changes. */
  for (guint t = 0; t < g_list_model_get_n_items (G_LIST_MODEL (self->tenants)); t++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (G_LIST_MODEL (self->tenants), t);
      GListModel *connections = pv_tenant_info_get_connections (tenant);
      const char *name = pv_tenant_info_get_name (tenant) ? pv_tenant_info_get_name (tenant)
                                                          : pv_tenant_info_get_id (tenant);

      for (guint c = 0; c < g_list_model_get_n_items (connections); c++)
        {
          g_autoptr(PvConnectionInfo) connection = g_list_model_get_item (connections, c);
          gboolean warning = FALSE;
          g_autofree char *text = pv_entra_session_describe (entra, tenant, connection, now, &warning);
          HealthEntry *entry;

          if (text == NULL)
            continue;
          entry = g_new0 (HealthEntry, 1);
          entry->tenant = g_strdup (pv_tenant_info_get_id (tenant));
          /* Translators: "Users" or "Persons", then a tenant's name */
          entry->title = g_strdup_printf (_("%s of %s"), pv_guide_app_name (pv_connection_info_get_kind (connection)),
                                          name);
          entry->text = g_steal_pointer (&text);
          entry->warning = warning;
          entry->order = entries->len;
          g_ptr_array_add (entries, entry);
          g_string_append_printf (shown, "%s\n%s\n%d\n", entry->title, entry->text, warning);
        }
    }
  if (g_strcmp0 (shown->str, self->health_shown) == 0)
    return;
  g_free (self->health_shown);
  self->health_shown = g_strdup (shown->str);
  g_clear_pointer (&self->health_rest, g_ptr_array_unref);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->health_list))) != NULL)
    gtk_list_box_remove (self->health_list, child);
  g_ptr_array_sort (entries, compare_health);
  for (guint i = 0; i < MIN (entries->len, HEALTH_ROWS); i++)
    gtk_list_box_append (self->health_list, health_row_new (g_ptr_array_index (entries, i)));
  if (entries->len > HEALTH_ROWS)
    {
      GtkWidget *more = adw_expander_row_new ();
      guint n = entries->len - HEALTH_ROWS;
      /* Translators: the folded rest of the Provisioning Health list */
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u More Connection",
                                                             "%u More Connections", n), n);

      pv_shape_set_expander_arrow (ADW_EXPANDER_ROW (more));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (more), title);
      self->health_rest = g_ptr_array_new_with_free_func ((GDestroyNotify) health_entry_free);
      for (guint i = HEALTH_ROWS; i < entries->len; i++)
        g_ptr_array_add (self->health_rest, g_steal_pointer (&entries->pdata[i]));
      g_signal_connect (more, "notify::expanded", G_CALLBACK (health_more_expanded_cb), self);
      gtk_list_box_append (self->health_list, more);
    }
  gtk_widget_set_visible (self->health_group, entries->len > 0);
}

/* First run: the overview asks once, in a banner rather than a dialog,
 * whether to remind in the background (the systemd user timer that the
 * preferences switch too). */

static void
ask_answered (PvDashboard *self)
{
  PvApplication *app = get_app (self);

  if (app != NULL)
    g_settings_set_boolean (pv_application_get_settings (app), "background-asked", TRUE);
  gtk_widget_set_sensitive (self->ask_banner, TRUE);
  gtk_widget_set_visible (self->ask_banner, FALSE);
}

static void
background_enabled_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(PvDashboard) self = user_data;
  PvApplication *app = get_app (self);
  g_autoptr(GError) error = NULL;

  if (!pv_reminders_timer_set_finish (result, &error))
    {
      g_autofree char *text = g_strdup_printf (_("Background reminders could not be switched on: %s. "
                                                 "Preferences can try again."), error->message);

      pv_toast (GTK_WIDGET (self), text);
      ask_answered (self);
      return;
    }
  if (app != NULL)
    g_settings_set_boolean (pv_application_get_settings (app), "background-check", TRUE);
  pv_toast (GTK_WIDGET (self), _("Background reminders are on: twice a day, also when Provisio is closed"));
  ask_answered (self);
}

static void
ask_yes_cb (PvDashboard *self)
{
  gtk_widget_set_sensitive (self->ask_banner, FALSE);
  pv_reminders_timer_set_async (TRUE, NULL, background_enabled_cb, g_object_ref (self));
}

static void
ask_no_cb (PvDashboard *self)
{
  pv_toast (GTK_WIDGET (self), _("Background reminders can be switched on in Preferences"));
  ask_answered (self);
}

static GtkWidget *
ask_banner_new (PvDashboard *self)
{
  GtkWidget *banner = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *label = gtk_label_new (_("Remind you of expiring tokens also when Provisio is closed? A systemd "
                                      "timer of your session checks twice a day."));
  GtkWidget *yes = gtk_button_new_with_mnemonic (_("_Remind in the Background"));
  GtkWidget *no = gtk_button_new_with_mnemonic (_("_Not Now"));

  gtk_widget_add_css_class (banner, "card");
  gtk_widget_set_margin_bottom (banner, 12);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_valign (yes, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (no, GTK_ALIGN_CENTER);
  gtk_widget_set_margin_end (no, 12);
  gtk_widget_add_css_class (yes, "suggested-action");
  g_signal_connect_swapped (yes, "clicked", G_CALLBACK (ask_yes_cb), self);
  g_signal_connect_swapped (no, "clicked", G_CALLBACK (ask_no_cb), self);
  gtk_box_append (GTK_BOX (banner), label);
  gtk_box_append (GTK_BOX (banner), yes);
  gtk_box_append (GTK_BOX (banner), no);
  gtk_widget_set_visible (banner, FALSE);
  return banner;
}

/* What the overview shows of a tenant, kept from one update to the next:
 * a refresh changes a few tenants at a time, and an update redoes only
 * theirs.  A part goes when its tenant changes, when the thresholds of the
 * preferences change, or when time changes what it says (the days left
 * of one of its expiries, pv_overview_tenant_changes_at()). */
typedef struct {
  PvTenantInfo *tenant;
  gulong        changed_id;
  GPtrArray    *items;      /* PvOverviewItem */
  GPtrArray    *actions;    /* PvNextAction */
  gint64        until;
  guint         generation; /* the last update that showed it */
} Part;

static void
part_free (Part *part)
{
  g_signal_handler_disconnect (part->tenant, part->changed_id);
  g_object_unref (part->tenant);
  g_ptr_array_unref (part->items);
  g_ptr_array_unref (part->actions);
  g_free (part);
}

static void
part_tenant_changed_cb (PvTenantInfo *tenant,
                        PvDashboard  *self)
{
  g_hash_table_remove (self->parts, tenant);
}

static gboolean
part_unseen (gpointer key,
             gpointer value,
             gpointer user_data)
{
  PvDashboard *self = user_data;

  return ((Part *) value)->generation != self->generation;
}

static gboolean
same_policy (const PvExpiryPolicy *a,
             const PvExpiryPolicy *b)
{
  if (a->n_thresholds != b->n_thresholds || a->urgent_days != b->urgent_days)
    return FALSE;
  for (guint i = 0; i < a->n_thresholds; i++)
    if (a->thresholds[i] != b->thresholds[i])
      return FALSE;
  return TRUE;
}

/* Adds @tenant's items and actions, computed again only if need be. */
static void
add_part (PvDashboard          *self,
          PvTenantInfo         *tenant,
          const PvExpiryPolicy *override,
          gint64                now,
          GPtrArray            *items,
          GPtrArray            *actions)
{
  Part *part = g_hash_table_lookup (self->parts, tenant);

  if (part != NULL && now >= part->until)
    {
      g_hash_table_remove (self->parts, tenant);
      part = NULL;
    }
  if (part == NULL)
    {
      part = g_new0 (Part, 1);
      part->tenant = g_object_ref (tenant);
      part->items = pv_overview_tenant_items (tenant, override, now);
      part->actions = pv_overview_tenant_actions (tenant, override, now);
      part->until = pv_overview_tenant_changes_at (tenant, now);
      part->changed_id = g_signal_connect (tenant, "changed", G_CALLBACK (part_tenant_changed_cb), self);
      g_hash_table_insert (self->parts, tenant, part);
    }
  part->generation = self->generation;
  for (guint i = 0; i < part->items->len; i++)
    g_ptr_array_add (items, pv_overview_item_ref (g_ptr_array_index (part->items, i)));
  for (guint i = 0; i < part->actions->len; i++)
    g_ptr_array_add (actions, pv_next_action_ref (g_ptr_array_index (part->actions, i)));
}

/**
 * pv_dashboard_update:
 *
 * Shows the tenants as they are now.
 */
void
pv_dashboard_update (PvDashboard *self)
{
  PvApplication *app = get_app (self);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GPtrArray) actions = NULL;
  PvExpiryPolicy policy;
  PvExpiryPolicy storage;
  const PvExpiryPolicy *override;

  g_return_if_fail (PV_IS_DASHBOARD (self));

  if (self->tenants == NULL)
    return;
  if (app != NULL)
    pv_application_get_policy (app, &policy);
  else
    pv_expiry_policy_init_default (&policy);

  /* Computed now, from the expiries: not what the tenants said when asked.
   * Each tenant's as long as it holds (see Part). */
  override = app != NULL ? pv_application_get_override (app, &storage) : NULL;
  if ((override != NULL) != self->parts_overridden ||
      (override != NULL && !same_policy (override, &self->parts_override)))
    {
      g_hash_table_remove_all (self->parts);
      self->parts_overridden = override != NULL;
      if (override != NULL)
        self->parts_override = *override;
    }
  items = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_overview_item_unref);
  actions = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_next_action_unref);
  self->generation++;
  /* The tenants, then the SAML apps' certificates Entra has (one more
   * source of rows, as Import from Entra last read them). */
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->tenants)); i++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (G_LIST_MODEL (self->tenants), i);

      add_part (self, tenant, override, now, items, actions);
    }
  if (app != NULL)
    {
      GListModel *saml = pv_entra_session_get_saml_certificates (pv_application_get_entra (app));

      for (guint i = 0; i < g_list_model_get_n_items (saml); i++)
        {
          g_autoptr(PvTenantInfo) certificate = g_list_model_get_item (saml, i);

          add_part (self, certificate, override, now, items, actions);
        }
      self->saml_shown = g_list_model_get_n_items (saml);
    }
  /* Those no longer shown (removed tenants, certificates of a former
   * import) go. */
  g_hash_table_foreach_remove (self->parts, part_unseen, self);
  pv_overview_sort_by_expiry (items);
  pv_overview_sort_actions (actions);
  /* A pressed pill: only that state, in the timeline and the actions. */
  if (self->state_filter >= 0)
    {
      g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func ((GDestroyNotify) pv_overview_item_unref);

      for (guint i = 0; i < items->len; i++)
        {
          PvOverviewItem *item = g_ptr_array_index (items, i);

          if ((int) item->state == self->state_filter && !item->retiring)
            g_ptr_array_add (shown, pv_overview_item_ref (item));
        }
      for (guint i = 0; i < actions->len;)
        {
          PvNextAction *action = g_ptr_array_index (actions, i);

          if ((int) action->state != self->state_filter || action->action == PV_ACTION_RECONNECT)
            g_ptr_array_remove_index (actions, i);
          else
            i++;
        }
      update_counts (self, items, now);
      pv_timeline_set_items (self->timeline, shown, now, &policy);
    }
  else
    {
      update_counts (self, items, now);
      pv_timeline_set_items (self->timeline, items, now, &policy);
    }

  update_actions (self, actions);
  update_health (self, now);
  /* Not in the demo: its answer would switch the real session's timer. */
  gtk_widget_set_visible (self->ask_banner,
                          app != NULL && !pv_application_get_demo (app) &&
                          !g_settings_get_boolean (pv_application_get_settings (app), "background-asked"));
}

static void
show_all_cb (PvDashboard *self)
{
  self->show_all = TRUE;
  pv_dashboard_update (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->all_search));
}

static void
show_fewer_cb (PvDashboard *self)
{
  self->show_all = FALSE;
  gtk_editable_set_text (self->all_search, "");
  pv_dashboard_update (self);
}

static gboolean
filter_all_cb (gpointer item,
               gpointer user_data)
{
  PvDashboard *self = user_data;
  PvNextAction *action = PV_ACTION_ITEM (item)->action;
  const char *fields[] = { action->title, action->subtitle, NULL, NULL, NULL };
  guint n = 2;

  if (self->all_words == NULL)
    return TRUE;
  if (pv_tenant_info_get_base_url (action->tenant) != NULL)
    fields[n++] = pv_tenant_info_get_base_url (action->tenant);
  fields[n] = pv_action_group_to_label (pv_next_action_group (action));
  return pv_search_matches ((const char * const *) self->all_words, fields);
}

static void
all_search_changed_cb (PvDashboard *self)
{
  g_strfreev (self->all_words);
  self->all_words = pv_search_prepare (gtk_editable_get_text (self->all_search));
  gtk_filter_changed (self->all_filter, GTK_FILTER_CHANGE_DIFFERENT);
}

/* Show All: a list view, whose rows exist only in sight, filled with one
 * action after another as it scrolls. */
static void
setup_all_row_cb (GtkSignalListItemFactory *factory,
                  GtkListItem              *item,
                  PvDashboard              *self)
{
  gtk_list_item_set_child (item, action_box_new (self));
}

static void
bind_all_row_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 PvDashboard              *self)
{
  action_box_set (gtk_list_item_get_child (item), PV_ACTION_ITEM (gtk_list_item_get_item (item))->action);
}

static void
all_activate_cb (GtkListView *view,
                 guint        position,
                 PvDashboard *self)
{
  GListModel *model = G_LIST_MODEL (gtk_list_view_get_model (view));
  g_autoptr(PvActionItem) item = g_list_model_get_item (model, position);

  open_action (self, item ? item->action : NULL);
}

static void
show_all_row_set (GtkWidget *row,
                  guint      n)
{
  g_autofree char *label = NULL;

  /* Translators: a button under the first next actions: how many there are in all */
  label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Show _All %u Actions", "Show _All %u Actions", n), n);
  gtk_button_set_label (g_object_get_data (G_OBJECT (row), "button"), label);
}

static GtkWidget *
show_all_row_new (PvDashboard *self,
                  guint        n)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new ();

  gtk_button_set_use_underline (GTK_BUTTON (button), TRUE);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_signal_connect_swapped (button, "clicked", G_CALLBACK (show_all_cb), self);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("The most pressing are shown first"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  g_object_set_data (G_OBJECT (row), "button", button);
  show_all_row_set (row, n);
  return row;
}

static void
clear_group (PvDashboard   *self,
             PvActionGroup  group)
{
  for (guint i = 0; i < self->group_rows[group]->len; i++)
    adw_expander_row_remove (ADW_EXPANDER_ROW (self->groups[group]), g_ptr_array_index (self->group_rows[group], i));
  g_ptr_array_set_size (self->group_rows[group], 0);
}

/* A group's rows: the first few of its actions, the rest behind "Show
 * All".  A folded group has none until it is opened: GTK measures what a
 * folded expander holds at every layout, and the due soon group, folded,
 * would have cost the overview's first frame a fifth of its labels.  An
 * open group keeps its rows and gives them their new actions: a label
 * given the text it has is not measured again, and a refresh changes few. */
static void
build_group (PvDashboard   *self,
             PvActionGroup  group)
{
  AdwExpanderRow *expander;
  GPtrArray *rows = self->group_rows[group];
  GtkWidget *show_all = NULL;
  guint count = 0;
  gboolean more = FALSE;

  if (self->group_built[group] || self->actions == NULL || rows == NULL)
    return;
  self->group_built[group] = TRUE;
  expander = ADW_EXPANDER_ROW (self->groups[group]);
  if (rows->len > 0 && g_object_get_data (g_ptr_array_index (rows, rows->len - 1), "button") != NULL)
    show_all = g_ptr_array_steal_index (rows, rows->len - 1);
  for (guint i = 0; i < self->actions->len; i++)
    {
      PvNextAction *action = g_ptr_array_index (self->actions, i);
      GtkWidget *row;

      if (pv_next_action_group (action) != group)
        continue;
      if (count == ACTION_ROWS)
        {
          more = TRUE;
          break;
        }
      if (count < rows->len)
        {
          action_row_set (g_ptr_array_index (rows, count++), action);
          continue;
        }
      /* A new row goes before "Show All": that one is made again after */
      if (show_all != NULL)
        {
          adw_expander_row_remove (expander, show_all);
          show_all = NULL;
        }
      row = action_row_new (self, action);
      adw_expander_row_add_row (expander, row);
      g_ptr_array_add (rows, row);
      count++;
      /* Enter on a row opens its tenant, as in the other lists: the
       * expander keeps its rows in a list of its own. */
      if (GTK_IS_LIST_BOX (gtk_widget_get_parent (row)) &&
          g_object_get_data (G_OBJECT (gtk_widget_get_parent (row)), "pv-activates") == NULL)
        {
          GtkWidget *list = gtk_widget_get_parent (row);

          g_signal_connect (list, "row-activated", G_CALLBACK (action_row_activated_cb), self);
          g_object_set_data (G_OBJECT (list), "pv-activates", GINT_TO_POINTER (TRUE));
        }
    }
  while (rows->len > count)
    {
      adw_expander_row_remove (expander, g_ptr_array_index (rows, rows->len - 1));
      g_ptr_array_set_size (rows, rows->len - 1);
    }
  if (more && show_all != NULL)
    show_all_row_set (show_all, self->actions->len);
  else if (more)
    {
      show_all = show_all_row_new (self, self->actions->len);
      adw_expander_row_add_row (expander, show_all);
    }
  else if (show_all != NULL)
    {
      adw_expander_row_remove (expander, show_all);
      show_all = NULL;
    }
  if (show_all != NULL)
    g_ptr_array_add (rows, show_all);
}

static void
group_expanded_cb (AdwExpanderRow *row,
                   GParamSpec     *pspec,
                   PvDashboard    *self)
{
  if (!adw_expander_row_get_expanded (row))
    return;
  for (guint g = 0; g < PV_N_ACTION_GROUPS; g++)
    if (self->groups[g] == GTK_WIDGET (row))
      build_group (self, g);
}

static void
update_actions (PvDashboard *self,
                GPtrArray   *actions)
{
  g_autoptr(GString) shown = g_string_new (NULL);
  guint counts[PV_N_ACTION_GROUPS] = { 0 };

  for (guint i = 0; i < actions->len; i++)
    {
      PvNextAction *action = g_ptr_array_index (actions, i);

      g_string_append_printf (shown, "%s\n%s\n%d\n", action->title, action->subtitle, action->state);
    }
  g_string_append_printf (shown, "%u %d", actions->len, self->show_all);
  if (g_strcmp0 (shown->str, self->shown) == 0)
    return;
  g_free (self->shown);
  self->shown = g_strdup (shown->str);

  for (guint i = 0; i < self->action_rows->len; i++)
    gtk_list_box_remove (self->actions_list, g_ptr_array_index (self->action_rows, i));
  g_ptr_array_set_size (self->action_rows, 0);
  /* An open group's rows are given their new actions below; a folded
   * group's go, made again when it is opened. */
  for (guint g = 0; g < PV_N_ACTION_GROUPS; g++)
    {
      if (self->show_all || !adw_expander_row_get_expanded (ADW_EXPANDER_ROW (self->groups[g])))
        clear_group (self, g);
      self->group_built[g] = FALSE;
    }
  g_clear_pointer (&self->actions, g_ptr_array_unref);

  gtk_widget_set_visible (self->all_box, self->show_all && actions->len > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->actions_list), !self->show_all || actions->len == 0);
  if (self->show_all && actions->len > 0)
    {
      g_autoptr(GPtrArray) all = g_ptr_array_new_with_free_func (g_object_unref);

      /* Every action in one list, filtered as one types; its own pane. */
      for (guint i = 0; i < actions->len; i++)
        g_ptr_array_add (all, pv_action_item_new (g_ptr_array_index (actions, i)));
      g_list_store_splice (self->all_store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->all_store)),
                           all->pdata, all->len);
      return;
    }
  g_list_store_remove_all (self->all_store);

  /* Each group folds; in each, the first few, the rest behind "Show All";
   * a folded group's rows are made when it is opened. */
  self->actions = g_ptr_array_ref (actions);
  for (guint i = 0; i < actions->len; i++)
    counts[pv_next_action_group (g_ptr_array_index (actions, i))]++;
  for (guint g = 0; g < PV_N_ACTION_GROUPS; g++)
    if (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (self->groups[g])))
      build_group (self, g);
  for (guint g = 0; g < PV_N_ACTION_GROUPS; g++)
    {
      g_autofree char *subtitle = NULL;

      if (counts[g] == 0)
        continue;
      /* Translators: how many next actions a group of the overview holds */
      subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u action", "%u actions", counts[g]), counts[g]);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (self->groups[g]), subtitle);
    }
  for (guint g = 0; g < PV_N_ACTION_GROUPS; g++)
    gtk_widget_set_visible (self->groups[g], counts[g] > 0);

  if (actions->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Nothing to do"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   _("Every token is good for longer than the first reminder threshold"));
      gtk_list_box_append (self->actions_list, row);
      g_ptr_array_add (self->action_rows, row);
    }
}

/**
 * pv_dashboard_focus_next_actions:
 *
 * Scrolls to the next actions and focuses the most pressing.
 */
void
pv_dashboard_focus_next_actions (PvDashboard *self)
{
  g_return_if_fail (PV_IS_DASHBOARD (self));

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (self->scrolled)), 0);
  for (guint g = 0; g < PV_N_ACTION_GROUPS; g++)
    if (gtk_widget_get_visible (self->groups[g]))
      {
        adw_expander_row_set_expanded (ADW_EXPANDER_ROW (self->groups[g]), TRUE);
        if (self->group_rows[g]->len > 0)
          gtk_widget_grab_focus (g_ptr_array_index (self->group_rows[g], 0));
        return;
      }
  gtk_widget_grab_focus (GTK_WIDGET (self->actions_list));
}

/**
 * pv_dashboard_set_tenants:
 *
 * Shows @tenants; the window calls pv_dashboard_update() when they change.
 */
void
pv_dashboard_set_tenants (PvDashboard  *self,
                          PvTenantList *tenants)
{
  g_return_if_fail (PV_IS_DASHBOARD (self));

  g_set_object (&self->tenants, tenants);
  pv_dashboard_update (self);
}

static void
entra_changed_cb (PvDashboard *self)
{
  PvApplication *app = PV_APPLICATION (g_application_get_default ());

  if (self->tenants == NULL)
    return;
  /* An import brought SAML certificates, or a sign-out took them. */
  if (g_list_model_get_n_items (pv_entra_session_get_saml_certificates (pv_application_get_entra (app))) !=
      self->saml_shown)
    pv_dashboard_update (self);
  else
    update_health (self, g_get_real_time () / G_USEC_PER_SEC);
}

static void
pv_dashboard_dispose (GObject *object)
{
  PvDashboard *self = PV_DASHBOARD (object);

  g_clear_object (&self->tenants);
  g_clear_pointer (&self->parts, g_hash_table_unref);
  g_clear_pointer (&self->action_rows, g_ptr_array_unref);
  g_clear_pointer (&self->actions, g_ptr_array_unref);
  for (guint g = 0; g < PV_N_ACTION_GROUPS; g++)
    g_clear_pointer (&self->group_rows[g], g_ptr_array_unref);
  g_clear_pointer (&self->all_words, g_strfreev);
  g_clear_object (&self->all_store);
  g_clear_object (&self->all_filter);
  g_clear_pointer (&self->shown, g_free);
  g_clear_pointer (&self->health_shown, g_free);
  g_clear_pointer (&self->health_rest, g_ptr_array_unref);
  g_clear_pointer (&self->counted, g_free);

  G_OBJECT_CLASS (pv_dashboard_parent_class)->dispose (object);
}

static void
pv_dashboard_class_init (PvDashboardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pv_dashboard_dispose;
}

static GtkWidget *
group_new (PvDashboard   *self,
           PvActionGroup  group)
{
  GtkWidget *row = adw_expander_row_new ();

  pv_shape_set_expander_arrow (ADW_EXPANDER_ROW (row));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), pv_action_group_to_label (group));
  /* Open, but for what can wait: the many that are due soon. */
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), group != PV_ACTION_GROUP_DUE_SOON);
  gtk_widget_set_visible (row, FALSE);
  g_signal_connect (row, "notify::expanded", G_CALLBACK (group_expanded_cb), self);
  self->group_rows[group] = g_ptr_array_new ();
  return row;
}

static GtkWidget *
all_box_new (PvDashboard *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *bar = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *search = gtk_search_entry_new ();
  GtkWidget *fewer = gtk_button_new_with_mnemonic (_("Show _Fewer"));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkFilterListModel *filtered;
  GtkWidget *view;

  gtk_widget_set_hexpand (search, TRUE);
  g_object_set (search, "placeholder-text", _("Filter actions by tenant, app or state"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (search), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Filter Actions"), -1);
  g_signal_connect_swapped (search, "search-changed", G_CALLBACK (all_search_changed_cb), self);
  g_signal_connect_swapped (search, "stop-search", G_CALLBACK (show_fewer_cb), self);
  g_signal_connect_swapped (fewer, "clicked", G_CALLBACK (show_fewer_cb), self);
  gtk_box_append (GTK_BOX (bar), search);
  gtk_box_append (GTK_BOX (bar), fewer);

  /* Its own pane: hundreds of rows do not push the timeline away, and
   * only those in sight exist. */
  self->all_store = g_list_store_new (PV_TYPE_ACTION_ITEM);
  self->all_filter = GTK_FILTER (gtk_custom_filter_new (filter_all_cb, self, NULL));
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->all_store)),
                                        g_object_ref (self->all_filter));
  g_signal_connect (factory, "setup", G_CALLBACK (setup_all_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_all_row_cb), self);
  view = gtk_list_view_new (GTK_SELECTION_MODEL (gtk_no_selection_new (G_LIST_MODEL (filtered))), factory);
  gtk_widget_add_css_class (view, "pv-all-actions");
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL, _("All Next Actions"), -1);
  g_signal_connect (view, "activate", G_CALLBACK (all_activate_cb), self);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 420);
  gtk_widget_add_css_class (scrolled, "card");
  gtk_widget_set_overflow (scrolled, GTK_OVERFLOW_HIDDEN);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_box_append (GTK_BOX (box), bar);
  gtk_box_append (GTK_BOX (box), scrolled);

  self->all_search = GTK_EDITABLE (search);
  self->all_view = view;
  gtk_widget_set_visible (box, FALSE);
  return box;
}

static void
pv_dashboard_init (PvDashboard *self)
{
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *heading = gtk_label_new (_("Timeline"));
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkWidget *timeline_scrolled = gtk_scrolled_window_new ();
  GtkWidget *heading_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *summary = gtk_label_new (NULL);
  GtkWidget *updated = gtk_label_new (NULL);
  GtkWidget *counts = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *timeline = pv_timeline_new ();

  self->state_filter = -1;
  self->parts = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) part_free);
  self->action_rows = g_ptr_array_new ();
  self->scrolled = scrolled;
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 1200);
  adw_clamp_set_tightening_threshold (ADW_CLAMP (clamp), 900);
  gtk_widget_set_margin_top (box, 18);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_label_set_xalign (GTK_LABEL (summary), 0);
  gtk_widget_add_css_class (summary, "title-2");
  gtk_label_set_wrap (GTK_LABEL (summary), TRUE);
  gtk_label_set_xalign (GTK_LABEL (updated), 0);
  gtk_widget_add_css_class (updated, "dim-label");
  gtk_widget_set_visible (updated, FALSE);
  self->summary = GTK_LABEL (summary);
  self->updated = GTK_LABEL (updated);
  self->counts = GTK_BOX (counts);
  self->ask_banner = ask_banner_new (self);
  /* "Updated …" sits closer to the summary it qualifies than the box's
   * spacing: a box of its own (GTK 4 takes no negative margin). */
  gtk_box_append (GTK_BOX (heading_box), summary);
  gtk_box_append (GTK_BOX (heading_box), updated);
  gtk_box_append (GTK_BOX (box), heading_box);
  gtk_box_append (GTK_BOX (box), counts);

  /* Next actions first: what matters is in sight without scrolling. */
  self->actions_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->actions_group), _("Next Actions"));
  gtk_widget_set_margin_top (self->actions_group, 6);
  /* Its own boxed list: the group keeps other widgets than its own rows
   * outside its list. */
  self->actions_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->actions_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->actions_list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->actions_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Next Actions"), -1);
  g_signal_connect (self->actions_list, "row-activated", G_CALLBACK (action_row_activated_cb), self);
  for (guint g = 0; g < PV_N_ACTION_GROUPS; g++)
    {
      self->groups[g] = group_new (self, g);
      gtk_list_box_append (self->actions_list, self->groups[g]);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->actions_group), GTK_WIDGET (self->actions_list));
  self->all_box = all_box_new (self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->actions_group), self->all_box);
  gtk_box_append (GTK_BOX (box), self->actions_group);
  /* The first run's question waits under what needs doing. */
  gtk_widget_set_margin_top (self->ask_banner, 12);
  gtk_box_append (GTK_BOX (box), self->ask_banner);

  gtk_label_set_xalign (GTK_LABEL (heading), 0);
  gtk_widget_add_css_class (heading, "heading");
  gtk_widget_set_margin_top (heading, 12);
  gtk_box_append (GTK_BOX (box), heading);
  gtk_widget_add_css_class (frame, "card");
  gtk_widget_set_overflow (frame, GTK_OVERFLOW_HIDDEN);
  /* The timeline scrolls in a pane of its own, its scale and legend kept
   * in sight (pv-timeline.c draws them at the pane's edges). */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (timeline_scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (timeline_scrolled), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (timeline_scrolled), 480);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (timeline_scrolled), timeline);
  gtk_frame_set_child (GTK_FRAME (frame), timeline_scrolled);
  self->timeline = PV_TIMELINE (timeline);
  gtk_box_append (GTK_BOX (box), frame);

  self->health_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->health_group), _("Provisioning Health"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->health_group),
                                         _("The Entra apps that provision, as Microsoft Graph and the tenants "
                                           "tell"));
  gtk_widget_set_margin_top (self->health_group, 12);
  self->health_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->health_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->health_list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->health_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Provisioning Health"), -1);
  g_signal_connect (self->health_list, "row-activated", G_CALLBACK (health_row_activated_cb), self);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (self->health_group), GTK_WIDGET (self->health_list));
  gtk_widget_set_visible (self->health_group, FALSE);
  gtk_box_append (GTK_BOX (box), self->health_group);
  g_signal_connect_object (pv_application_get_entra (PV_APPLICATION (g_application_get_default ())), "changed",
                           G_CALLBACK (entra_changed_cb), self, G_CONNECT_SWAPPED);

  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  /* The page at its natural height: the panes in it get theirs (up to
   * their maximum), not their minimum. */
  gtk_scrollable_set_vscroll_policy (GTK_SCROLLABLE (gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled))),
                                     GTK_SCROLL_NATURAL);
  adw_bin_set_child (ADW_BIN (self), scrolled);
}
