/* pv-window.c: the main window: sidebar of tenants, overview, tenant pages
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "pv-bench.h"
#include "pv-dashboard.h"
#include "pv-dates.h"
#include "pv-error.h"
#include "pv-overview.h"
#include "pv-search.h"
#include "pv-tenant-page.h"
#include "pv-tenant-row.h"
#include "pv-widgets.h"
#include "pv-window-private.h"


G_DEFINE_FINAL_TYPE (PvWindow, pv_window, ADW_TYPE_APPLICATION_WINDOW)

PvApplication *
_pv_window_get_app (PvWindow *self)
{
  return PV_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
}

void
pv_window_add_toast (PvWindow   *self,
                     const char *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/* Sidebar rows: one per tenant, bound to it (PvTenantRow). */

static void
setup_tenant_row_cb (GtkSignalListItemFactory *factory,
                     GtkListItem              *item)
{
  gtk_list_item_set_child (item, pv_tenant_row_new ());
}

static void
bind_tenant_row_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    PvWindow                 *self)
{
  GtkWidget *row = gtk_list_item_get_child (item);
  PvTenantInfo *tenant = gtk_list_item_get_item (item);

  pv_tenant_row_set_tenant (PV_TENANT_ROW (row), tenant);
  g_hash_table_add (self->rows, row);
}

static void
unbind_tenant_row_cb (GtkSignalListItemFactory *factory,
                      GtkListItem              *item,
                      PvWindow                 *self)
{
  if (self->rows != NULL)
    g_hash_table_remove (self->rows, gtk_list_item_get_child (item));
  pv_tenant_row_set_tenant (PV_TENANT_ROW (gtk_list_item_get_child (item)), NULL);
}

/* The sidebar's order and search.  The grid view shows the tenants
 * through a filter (the search) and a sorter (most pressing first, then
 * by name; or by name only); both read the state as it is now. */

static PvExpiryState
tenant_state_now (PvTenantInfo *tenant)
{
  PvApplication *app = PV_APPLICATION (g_application_get_default ());
  PvExpiryPolicy override;
  gboolean overridden = app != NULL && pv_application_get_override (app, &override);

  return pv_overview_tenant_state (tenant, overridden ? &override : NULL, g_get_real_time () / G_USEC_PER_SEC);
}

static const char *
tenant_title (PvTenantInfo *tenant)
{
  const char *name = pv_tenant_info_get_name (tenant);

  return name ? name : pv_tenant_info_get_id (tenant);
}

/* Unreachable tenants count as urgent: their state is not known. */
static int
tenant_urgency (PvTenantInfo *tenant)
{
  int state = tenant_state_now (tenant);

  if (pv_tenant_info_get_error (tenant) != NULL)
    state = MAX (state, PV_EXPIRY_URGENT);
  return state;
}

/* What the sorter compares and the search looks in, worked out once per
 * tenant and resort: the state, a collation key and the case-folded
 * fields, not at each of the thousands of comparisons of a sort (a search
 * resorts what it finds) nor at each keystroke. */
typedef struct {
  int   urgency;
  char *collated;
  char *haystack;
} SortKey;

static void
sort_key_free (SortKey *key)
{
  g_free (key->collated);
  g_free (key->haystack);
  g_free (key);
}

static SortKey *
sort_key (PvWindow     *self,
          PvTenantInfo *tenant)
{
  SortKey *key = g_hash_table_lookup (self->sort_keys, tenant);

  if (key == NULL)
    {
      key = g_new0 (SortKey, 1);
      key->urgency = tenant_urgency (tenant);
      g_autoptr(GPtrArray) fields = pv_search_tenant_fields (tenant);

      key->collated = g_utf8_collate_key (tenant_title (tenant), -1);
      key->haystack = pv_search_haystack ((const char * const *) fields->pdata);
      g_hash_table_insert (self->sort_keys, g_object_ref (tenant), key);
    }
  return key;
}

static int
compare_tenants_cb (gconstpointer a,
                    gconstpointer b,
                    gpointer      user_data)
{
  PvWindow *self = user_data;
  PvTenantInfo *ta = (PvTenantInfo *) a, *tb = (PvTenantInfo *) b;
  SortKey *ka, *kb;
  int order;

  if (self->sort_keys == NULL)
    return 0;
  ka = sort_key (self, ta);
  kb = sort_key (self, tb);
  if (!self->sort_by_name && ka->urgency != kb->urgency)
    return kb->urgency - ka->urgency;
  order = strcmp (ka->collated, kb->collated);
  if (order != 0)
    return order;
  return g_strcmp0 (pv_tenant_info_get_id (ta), pv_tenant_info_get_id (tb));
}

static gboolean
filter_tenant_cb (gpointer item,
                  gpointer user_data)
{
  PvWindow *self = user_data;

  if (self->search_words == NULL || self->sort_keys == NULL)
    return TRUE;
  return pv_search_matches_haystack ((const char * const *) self->search_words, sort_key (self, item)->haystack);
}

static void
search_changed_cb (PvWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  guint n;

  GtkFilterChange change = GTK_FILTER_CHANGE_DIFFERENT;

  if (g_strcmp0 (text, self->search_text) == 0)
    return;
  /* Typing on narrows what was found (every word is found in the tenant's
   * fields): only those are looked at again; deleting widens it. */
  if (self->search_text != NULL && *self->search_text != '\0' && g_str_has_prefix (text, self->search_text))
    change = GTK_FILTER_CHANGE_MORE_STRICT;
  else if (self->search_text != NULL && *text != '\0' && g_str_has_prefix (self->search_text, text))
    change = GTK_FILTER_CHANGE_LESS_STRICT;
  _pv_window_show_all_rows (self);
  g_free (self->search_text);
  self->search_text = g_strdup (text);
  g_strfreev (self->search_words);
  self->search_words = pv_search_prepare (text);
  gtk_filter_changed (GTK_FILTER (self->filter), change);
  n = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  gtk_stack_set_visible_child_name (self->sidebar_stack, n > 0 || self->tenants == NULL ||
                                    g_list_model_get_n_items (G_LIST_MODEL (self->tenants)) == 0
                                    ? "list" : "empty");
}

/* Enter in the search opens the first tenant found. */
static void
search_activate_cb (PvWindow *self)
{
  g_autoptr(PvTenantInfo) first = NULL;

  if (g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) == 0)
    return;
  first = g_list_model_get_item (G_LIST_MODEL (self->filtered), 0);
  pv_window_show_tenant (self, pv_tenant_info_get_id (first));
}

static void
search_stopped_cb (PvWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}


void
_pv_window_resort (PvWindow *self)
{
  g_autoptr(PvTenantInfo) selected = self->selected ? g_object_ref (self->selected) : NULL;

  GtkAdjustment *scroll = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->tenant_list));
  gboolean at_top = scroll == NULL || gtk_adjustment_get_value (scroll) <= 0;

  self->keys_changed = FALSE;
  gtk_sorter_changed (GTK_SORTER (self->sorter), GTK_SORTER_CHANGE_DIFFERENT);
  /* The grid view keeps its first row in sight wherever that row moved:
   * a list read from the top stays at the top, the most pressing first. */
  if (at_top && g_list_model_get_n_items (G_LIST_MODEL (self->selection)) > 0)
    gtk_widget_activate_action (GTK_WIDGET (self->tenant_list), "list.scroll-to-item", "u", 0);
  /* The selected tenant stays selected wherever it moved. */
  if (selected != NULL && gtk_single_selection_get_selected_item (self->selection) != (gpointer) selected)
    {
      guint n = g_list_model_get_n_items (G_LIST_MODEL (self->selection));

      for (guint i = 0; i < n; i++)
        {
          g_autoptr(PvTenantInfo) item = g_list_model_get_item (G_LIST_MODEL (self->selection), i);

          if (item == selected)
            {
              gtk_single_selection_set_selected (self->selection, i);
              break;
            }
        }
    }
}

/* What the content area shows */

/* The tenants that could not be asked, by name: "Tenant 7, Tenant 12
 * and 3 more". */
static char *
failed_names (GPtrArray *failed)
{
  g_autoptr(GString) names = g_string_new (NULL);
  guint shown = MIN (failed->len, 3);

  for (guint i = 0; i < shown; i++)
    {
      if (i > 0)
        /* Translators: between the last two names of tenants that could not
         * be asked, and between the others: "Contoso, Fabrikam and Litware" */
        g_string_append (names, i + 1 == failed->len ? _(" and ") : _(", "));
      g_string_append (names, tenant_title (g_ptr_array_index (failed, i)));
    }
  if (shown < failed->len)
    /* Translators: after the names of the first three tenants that could not be asked */
    g_string_append_printf (names, g_dngettext (GETTEXT_PACKAGE, " and %u more", " and %u more",
                                                failed->len - shown), failed->len - shown);
  return g_string_free (g_steal_pointer (&names), FALSE);
}

static void
update_banner (PvWindow *self)
{
  guint n = self->tenants ? g_list_model_get_n_items (G_LIST_MODEL (self->tenants)) : 0;
  g_autoptr(GPtrArray) failed = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 oldest = 0;
  const GError *first = NULL;
  g_autofree char *text = NULL;
  g_autofree char *names = NULL;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (G_LIST_MODEL (self->tenants), i);
      const GError *error = pv_tenant_info_get_error (tenant);

      if (error == NULL)
        continue;
      if (first == NULL)
        first = error;
      if (pv_tenant_info_get_fetched_at (tenant) > 0 &&
          (oldest == 0 || pv_tenant_info_get_fetched_at (tenant) < oldest))
        oldest = pv_tenant_info_get_fetched_at (tenant);
      g_ptr_array_add (failed, g_steal_pointer (&tenant));
    }

  g_clear_object (&self->banner_tenant);
  if (failed->len == 0)
    {
      gtk_revealer_set_reveal_child (self->banner_revealer, FALSE);
      return;
    }
  names = failed_names (failed);
  if (g_error_matches (first, PV_ERROR, PV_ERROR_KEYRING) ||
      g_error_matches (first, PV_ERROR, PV_ERROR_KEYRING_LOCKED))
    text = g_strdup (first->message);
  else if (oldest > 0)
    {
      g_autofree char *when = pv_format_date (oldest);

      /* Translators: the tenants' names, then when the shown state was fetched */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%s could not be asked: showing what was known on %s",
                                           "%s could not be asked: showing what was known on %s",
                                           failed->len), names, when);
    }
  else
    /* Translators: the tenants' names, then why */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s could not be asked: %s",
                                         "%s could not be asked: %s", failed->len),
                            names, first->message);
  /* One click to the first of them, whose page says what went wrong. */
  self->banner_tenant = g_object_ref (g_ptr_array_index (failed, 0));
  gtk_widget_set_visible (self->banner_show, self->banner_tenant != self->selected);
  gtk_label_set_label (self->banner_label, text);
  gtk_revealer_set_reveal_child (self->banner_revealer, TRUE);
}

static void
banner_show_cb (PvWindow *self)
{
  if (self->banner_tenant != NULL)
    pv_window_show_tenant (self, pv_tenant_info_get_id (self->banner_tenant));
}

/* AdwWindowTitle relays out the header bar at each call: only on a change. */
static void
set_title (AdwWindowTitle *title,
           const char     *text,
           const char     *subtitle)
{
  if (g_strcmp0 (adw_window_title_get_title (title), text ? text : "") != 0)
    adw_window_title_set_title (title, text);
  if (g_strcmp0 (adw_window_title_get_subtitle (title), subtitle ? subtitle : "") != 0)
    adw_window_title_set_subtitle (title, subtitle);
}

/* The pages other than the overview are built when first shown: most
 * launches never show them, and the welcome page's icon alone loads
 * librsvg (docs/benchmarks.md). */
static void
ensure_page (PvWindow   *self,
             const char *name)
{
  if (gtk_stack_get_child_by_name (self->stack, name) != NULL)
    return;
  if (g_str_equal (name, "welcome"))
    {
      g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/io/github/provisio/Provisio/ui/pv-welcome-page.ui");

      gtk_stack_add_named (self->stack, GTK_WIDGET (gtk_builder_get_object (builder, "welcome")), name);
    }
  else if (g_str_equal (name, "tenant"))
    {
      self->tenant_page = g_object_new (PV_TYPE_TENANT_PAGE, NULL);
      gtk_stack_add_named (self->stack, GTK_WIDGET (self->tenant_page), name);
    }
}

static void
show_page (PvWindow   *self,
           const char *name)
{
  ensure_page (self, name);
  gtk_stack_set_visible_child_name (self->stack, name);
}

/* The loading page's spinner turns only when the cached states take a
 * while: most openings read them within a few frames, and a spinner
 * shown for that long is a flicker (and its icon an SVG, see above). */
static gboolean
start_spinner_cb (gpointer user_data)
{
  PvWindow *self = user_data;

  self->spinner_id = 0;
  gtk_spinner_start (self->spinner);
  return G_SOURCE_REMOVE;
}

static void
visible_page_cb (PvWindow *self)
{
  gboolean loading = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "loading") == 0;

  if (!loading)
    {
      g_clear_handle_id (&self->spinner_id, g_source_remove);
      gtk_spinner_stop (self->spinner);
    }
  else if (self->spinner_id == 0 && !gtk_spinner_get_spinning (self->spinner))
    self->spinner_id = g_timeout_add (500, start_spinner_cb, self);
}

static void
update_page (PvWindow *self)
{
  PvApplication *app = _pv_window_get_app (self);
  guint n = self->tenants ? g_list_model_get_n_items (G_LIST_MODEL (self->tenants)) : 0;

  if (app == NULL)
    return;
  set_title (self->sidebar_title, "Provisio", pv_application_get_demo (app) ? _("Demo") : NULL);
  if (n == 0)
    {
      show_page (self, pv_application_get_busy (app) ? "loading" : "welcome");
      set_title (self->content_title, "Provisio", NULL);
      return;
    }
  if (self->selected != NULL)
    {
      const char *name = pv_tenant_info_get_name (self->selected);

      show_page (self, "tenant");
      set_title (self->content_title, name ? name : pv_tenant_info_get_id (self->selected),
                 pv_tenant_info_get_base_url (self->selected));
    }
  else
    {
      show_page (self, "overview");
      set_title (self->content_title, _("Overview"), NULL);
    }
}

/* Many tenants change at once during a refresh: the views that redraw as a
 * whole are updated once, shortly after. */
static gboolean
update_cb (gpointer user_data)
{
  PvWindow *self = user_data;

  self->update_id = 0;
  pv_bench_mark ("update start");
  if (self->tenants != NULL && pv_tenant_list_get_refreshing (self->tenants))
    gtk_progress_bar_set_fraction (self->refresh_progress, MAX (0.04, pv_tenant_list_get_progress (self->tenants)));
  update_banner (self);
  update_page (self);
  /* Only when a tenant changed since: the others keep their keys. */
  if (self->tenants != NULL && self->keys_changed)
    _pv_window_resort (self);
  pv_dashboard_update (self->dashboard);
  pv_bench_mark ("update end");
  return G_SOURCE_REMOVE;
}

static void
queue_update (PvWindow *self)
{
  /* While the cached states are read, one update when they all are:
   * hundreds of tenants shown one batch at a time would sort the sidebar
   * and lay out the overview again and again, stalling the opening. */
  if (self->tenants != NULL && pv_tenant_list_get_loading (self->tenants))
    return;
  if (self->update_id == 0)
    self->update_id = g_timeout_add (50, update_cb, self);
}

/* The sidebar's rows come after the overview, a few each frame: a new
 * list's rows are made and bound at once, a stall of its own (200 of
 * them in GTK 4.8's list view; 32 in the one-column grid view the sidebar
 * now is, pv-window.ui).  While the cached states are read it shows none (a
 * slice of no rows), rather than making them for the list as first read,
 * then again as each state sorts it.  The first come in the frame after
 * the one that lays out the overview with every state, the longest of
 * the opening. */
#define ROWS_PER_FRAME 50

static gboolean
grow_rows_cb (GtkWidget     *widget,
              GdkFrameClock *clock,
              gpointer       user_data)
{
  PvWindow *self = PV_WINDOW (widget);
  guint size = gtk_slice_list_model_get_size (self->slice);

  if (self->grow_later)
    {
      self->grow_later = FALSE;
      return G_SOURCE_CONTINUE;
    }
  if (size + ROWS_PER_FRAME < g_list_model_get_n_items (G_LIST_MODEL (self->filtered)))
    {
      gtk_slice_list_model_set_size (self->slice, size + ROWS_PER_FRAME);
      return G_SOURCE_CONTINUE;
    }
  self->grow_id = 0;
  gtk_slice_list_model_set_size (self->slice, G_MAXUINT);
  return G_SOURCE_REMOVE;
}

/* Every row at once: a tenant is selected, or searched for. */
void
_pv_window_show_all_rows (PvWindow *self)
{
  if (self->grow_id != 0)
    {
      gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->grow_id);
      self->grow_id = 0;
    }
  if (self->slice != NULL)
    gtk_slice_list_model_set_size (self->slice, G_MAXUINT);
}

static void
loading_cb (PvWindow *self)
{
  pv_bench_mark (pv_tenant_list_get_loading (self->tenants) ? "cached states asked" : "cached states read");
  if (pv_tenant_list_get_loading (self->tenants))
    {
      _pv_window_show_all_rows (self);
      gtk_slice_list_model_set_size (self->slice, 0);
      return;
    }
  g_clear_handle_id (&self->update_id, g_source_remove);
  update_cb (self);
  if (self->grow_id == 0)
    {
      self->grow_later = TRUE;
      self->grow_id = gtk_widget_add_tick_callback (GTK_WIDGET (self), grow_rows_cb, NULL, NULL);
    }
}

/* States are computed when shown, from the expiries: a window left open
 * (or opened offline) shows each one as it is now, and the thresholds of
 * the preferences as soon as they change. */
static void
reevaluate (PvWindow *self)
{
  GHashTableIter iter;
  gpointer row;

  g_hash_table_iter_init (&iter, self->rows);
  while (g_hash_table_iter_next (&iter, &row, NULL))
    pv_tenant_row_update (row);
  g_hash_table_remove_all (self->sort_keys);
  self->keys_changed = TRUE;
  queue_update (self);
}

static gboolean
tick_cb (gpointer user_data)
{
  reevaluate (user_data);
  return G_SOURCE_CONTINUE;
}

/* Where @tenant is in the sidebar as sorted and filtered */
static gboolean
tenant_position (PvWindow     *self,
                 PvTenantInfo *tenant,
                 guint        *position)
{
  GListModel *model = G_LIST_MODEL (self->selection);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PvTenantInfo) item = g_list_model_get_item (model, i);

      if (item == tenant)
        {
          *position = i;
          return TRUE;
        }
    }
  return FALSE;
}

void
_pv_window_select_tenant (PvWindow     *self,
               PvTenantInfo *tenant)
{
  if (tenant != NULL)
    _pv_window_show_all_rows (self);
  g_set_object (&self->selected, tenant);
  /* Shown by the next update, as before */
  if (tenant != NULL)
    ensure_page (self, "tenant");
  if (self->tenant_page != NULL)
    pv_tenant_page_set_tenant (self->tenant_page, tenant, self->tenants);
  if (tenant == NULL)
    {
      gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
      gtk_list_box_select_row (self->overview_list, self->overview_row);
    }
  else
    {
      guint position;

      gtk_list_box_unselect_all (self->overview_list);
      /* A tenant the search hides is shown: the search is cleared. */
      if (self->tenants != NULL && !tenant_position (self, tenant, &position) && self->search_words != NULL)
        gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
      if (self->tenants != NULL && tenant_position (self, tenant, &position))
        {
          gtk_single_selection_set_selected (self->selection, position);
          /* In sight, also when opened from the overview. */
          gtk_widget_activate_action (GTK_WIDGET (self->tenant_list), "list.scroll-to-item", "u", position);
        }
    }
  update_page (self);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

void
pv_window_show_overview (PvWindow *self)
{
  g_return_if_fail (PV_IS_WINDOW (self));
  _pv_window_select_tenant (self, NULL);
}

/**
 * pv_window_show_tenant:
 *
 * Returns: whether a tenant named @id is shown
 */
gboolean
pv_window_show_tenant (PvWindow   *self,
                       const char *id)
{
  PvTenantInfo *tenant;

  g_return_val_if_fail (PV_IS_WINDOW (self), FALSE);
  tenant = self->tenants ? pv_tenant_list_lookup (self->tenants, id) : NULL;
  if (tenant == NULL)
    return FALSE;
  _pv_window_select_tenant (self, tenant);
  return TRUE;
}

/**
 * pv_window_search:
 *
 * Searches the sidebar for @text at once, as typing it would (without
 * the search entry's pause); for tools/bench-app.
 */
void
pv_window_search (PvWindow   *self,
                  const char *text)
{
  g_return_if_fail (PV_IS_WINDOW (self));

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), text);
  search_changed_cb (self);
}

/**
 * pv_window_get_n_shown:
 *
 * Returns: how many tenants the sidebar shows (those the search finds)
 */
guint
pv_window_get_n_shown (PvWindow *self)
{
  g_return_val_if_fail (PV_IS_WINDOW (self), 0);
  return self->filtered ? g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) : 0;
}

/**
 * pv_window_get_page:
 *
 * Returns: the page shown: "loading", "welcome", "overview" or "tenant"
 */
const char *
pv_window_get_page (PvWindow *self)
{
  g_return_val_if_fail (PV_IS_WINDOW (self), NULL);
  return gtk_stack_get_visible_child_name (self->stack);
}

static void
overview_activated_cb (PvWindow      *self,
                       GtkListBoxRow *row)
{
  _pv_window_select_tenant (self, NULL);
}

static void
tenant_activated_cb (PvWindow *self,
                     guint     position)
{
  g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (G_LIST_MODEL (self->selection), position);

  _pv_window_select_tenant (self, tenant);
}

static void
back_clicked_cb (PvWindow *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
tenants_changed_cb (PvWindow *self,
                    guint     position,
                    guint     removed,
                    guint     added)
{
  /* A tenant removed while shown: back to the overview. */
  if (self->selected != NULL &&
      pv_tenant_list_lookup (self->tenants, pv_tenant_info_get_id (self->selected)) != self->selected)
    _pv_window_select_tenant (self, NULL);
  queue_update (self);
}

static gboolean
hide_progress_cb (gpointer user_data)
{
  PvWindow *self = user_data;

  self->progress_hide_id = 0;
  gtk_widget_set_opacity (GTK_WIDGET (self->refresh_progress), 0);
  return G_SOURCE_REMOVE;
}

/* The share of tenants asked so far, as a bar over the page; it fades a
 * moment after the last answer. */
static void
refreshing_cb (PvWindow *self)
{
  gboolean refreshing = self->tenants && pv_tenant_list_get_refreshing (self->tenants);

  /* A sliver from the first moment: at 0 % the bar would be invisible. */
  gtk_progress_bar_set_fraction (self->refresh_progress,
                                 refreshing ? MAX (0.04, pv_tenant_list_get_progress (self->tenants)) : 1);
  g_clear_handle_id (&self->progress_hide_id, g_source_remove);
  if (refreshing)
    gtk_widget_set_opacity (GTK_WIDGET (self->refresh_progress), 1);
  else
    self->progress_hide_id = g_timeout_add (300, hide_progress_cb, self);
}

/* Its sort key goes (worked out again when the sorter asks), the others
 * stay. */
static void
tenant_changed_cb (PvTenantInfo *tenant,
                   PvWindow     *self)
{
  g_hash_table_remove (self->sort_keys, tenant);
  self->keys_changed = TRUE;
  queue_update (self);
}

/* Every tenant's changes, including those added later. */
static void
items_changed_watch_cb (GListModel *model,
                        guint       position,
                        guint       removed,
                        guint       added,
                        PvWindow   *self)
{
  for (guint i = position; i < position + added; i++)
    {
      g_autoptr(PvTenantInfo) tenant = g_list_model_get_item (model, i);

      g_signal_connect_object (tenant, "changed", G_CALLBACK (tenant_changed_cb), self, 0);
    }
}

static void
watch_tenants (PvWindow     *self,
               PvTenantList *tenants)
{
  guint n;

  if (tenants == self->tenants)
    return;
  if (self->tenants != NULL)
    g_signal_handlers_disconnect_by_data (self->tenants, self);
  g_set_object (&self->tenants, tenants);
  /* tenants → order → search → selection: each model holds the one
   * before.  Sorted first, so that a search only filters a list kept in
   * order rather than sorting what it finds at each keystroke. */
  self->sorted = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (tenants)),
                                          GTK_SORTER (g_object_ref (self->sorter)));
  self->filtered = gtk_filter_list_model_new (G_LIST_MODEL (self->sorted), GTK_FILTER (g_object_ref (self->filter)));
  g_clear_object (&self->selection);
  self->slice = gtk_slice_list_model_new (G_LIST_MODEL (self->filtered), 0,
                                          pv_tenant_list_get_loading (tenants) ? 0 : G_MAXUINT);
  self->selection = gtk_single_selection_new (G_LIST_MODEL (self->slice));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  gtk_grid_view_set_model (self->tenant_list, GTK_SELECTION_MODEL (self->selection));
  _pv_window_select_tenant (self, NULL);
  pv_dashboard_set_tenants (self->dashboard, tenants);
  g_signal_connect_swapped (tenants, "items-changed", G_CALLBACK (tenants_changed_cb), self);
  g_signal_connect_swapped (tenants, "notify::refreshing", G_CALLBACK (refreshing_cb), self);
  g_signal_connect_swapped (tenants, "notify::progress", G_CALLBACK (queue_update), self);
  g_signal_connect_swapped (tenants, "notify::loading", G_CALLBACK (loading_cb), self);
  g_signal_connect (tenants, "items-changed", G_CALLBACK (items_changed_watch_cb), self);
  n = g_list_model_get_n_items (G_LIST_MODEL (tenants));
  items_changed_watch_cb (G_LIST_MODEL (tenants), 0, 0, n, self);
  refreshing_cb (self);
  queue_update (self);
}

static void
app_tenants_cb (PvWindow *self)
{
  watch_tenants (self, pv_application_get_tenants (_pv_window_get_app (self)));
}

static void
app_error_cb (PvWindow     *self,
              const GError *error)
{
  pv_window_add_toast (self, error->message);
}

/* GtkWidget */

static void
save_size (PvWindow *self)
{
  GSettings *settings = pv_application_get_settings (_pv_window_get_app (self));
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_int (settings, "window-width", width);
  g_settings_set_int (settings, "window-height", height);
  g_settings_set_boolean (settings, "window-maximized", gtk_window_is_maximized (GTK_WINDOW (self)));
}

static gboolean
pv_window_close_request (GtkWindow *window)
{
  save_size (PV_WINDOW (window));
  return GTK_WINDOW_CLASS (pv_window_parent_class)->close_request (window);
}

static void
pv_window_dispose (GObject *object)
{
  PvWindow *self = PV_WINDOW (object);

  g_clear_handle_id (&self->update_id, g_source_remove);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->progress_hide_id, g_source_remove);
  if (self->grow_id != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->grow_id);
  self->grow_id = 0;
  g_clear_pointer (&self->rows, g_hash_table_unref);
  if (self->tenants != NULL)
    g_signal_handlers_disconnect_by_data (self->tenants, self);
  g_clear_object (&self->tenants);
  g_clear_object (&self->selected);
  g_clear_object (&self->banner_tenant);
  g_clear_object (&self->selection);
  g_clear_object (&self->filter);
  g_clear_object (&self->sorter);
  g_clear_pointer (&self->search_words, g_strfreev);
  g_clear_pointer (&self->search_text, g_free);
  g_clear_pointer (&self->sort_keys, g_hash_table_unref);
  g_clear_handle_id (&self->spinner_id, g_source_remove);
  if (self->stack != NULL)
    g_signal_handlers_disconnect_by_data (self->stack, self);
  self->tenant_page = NULL;  /* the stack's */
  gtk_widget_dispose_template (GTK_WIDGET (self), PV_TYPE_WINDOW);

  G_OBJECT_CLASS (pv_window_parent_class)->dispose (object);
}

static void
pv_window_class_init (PvWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = pv_window_dispose;
  window_class->close_request = pv_window_close_request;

  g_type_ensure (PV_TYPE_DASHBOARD);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/provisio/Provisio/ui/pv-window.ui");
  gtk_widget_class_bind_template_child (widget_class, PvWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, content);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, sidebar_title);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, content_title);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, overview_list);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, overview_row);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, tenant_list);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, refresh_progress);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, banner_label);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, banner_show);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, sidebar_stack);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, dashboard);
  gtk_widget_class_bind_template_child (widget_class, PvWindow, spinner);
  gtk_widget_class_bind_template_callback (widget_class, overview_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, tenant_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, banner_show_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_stopped_cb);

  _pv_window_class_actions_init (widget_class);
}

static void
pv_window_init (PvWindow *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  /* Its tenants referenced, so that none is mistaken for a new one at
   * its address; a tenant removed goes when the states are reevaluated
   * (each minute), or when it changes. */
  self->sort_keys = g_hash_table_new_full (NULL, NULL, g_object_unref, (GDestroyNotify) sort_key_free);
  self->filter = gtk_custom_filter_new (filter_tenant_cb, self, NULL);
  self->sorter = gtk_custom_sorter_new (compare_tenants_cb, self, NULL);
  /* Typing anywhere in the window searches the tenants. */
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));
  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  g_signal_connect_swapped (self->stack, "notify::visible-child", G_CALLBACK (visible_page_cb), self);
  visible_page_cb (self);
  _pv_window_actions_init (self);
#ifdef DEVELOPMENT_BUILD
  /* The striped header bar of a development build (meson -Dprofile=development) */
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif
  self->rows = g_hash_table_new (NULL, NULL);
  self->tick_id = g_timeout_add_seconds (60, tick_cb, self);
  g_signal_connect (factory, "setup", G_CALLBACK (setup_tenant_row_cb), NULL);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_tenant_row_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_tenant_row_cb), self);
  gtk_grid_view_set_factory (self->tenant_list, factory);
  g_object_unref (factory);
}

PvWindow *
pv_window_new (PvApplication *application)
{
  PvWindow *self = g_object_new (PV_TYPE_WINDOW, "application", application, NULL);
  GSettings *settings = pv_application_get_settings (application);

  gtk_window_set_default_size (GTK_WINDOW (self), g_settings_get_int (settings, "window-width"),
                               g_settings_get_int (settings, "window-height"));
  if (g_settings_get_boolean (settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
  g_signal_connect_object (application, "notify::tenants", G_CALLBACK (app_tenants_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (application, "notify::busy", G_CALLBACK (queue_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (application, "notify::demo", G_CALLBACK (queue_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (application, "error", G_CALLBACK (app_error_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::reminder-thresholds", G_CALLBACK (reevaluate), self,
                           G_CONNECT_SWAPPED);
  watch_tenants (self, pv_application_get_tenants (application));
  return self;
}
