/* pv-window-private.h: the main window's structure and what its files share
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "pv-dashboard.h"
#include "pv-tenant-page.h"
#include "pv-window.h"

G_BEGIN_DECLS

struct _PvWindow
{
  AdwApplicationWindow  parent_instance;

  AdwToastOverlay      *toast_overlay;
  AdwLeaflet           *leaflet;
  GtkWidget            *sidebar;
  GtkWidget            *content;
  AdwWindowTitle       *sidebar_title;
  AdwWindowTitle       *content_title;
  GtkListBox           *overview_list;
  GtkListBoxRow        *overview_row;
  GtkGridView          *tenant_list;
  GtkSliceListModel    *slice;      /* the rows shown so far (all but while opening) */
  GtkSingleSelection   *selection;
  GtkFilterListModel   *filtered;
  GtkSortListModel     *sorted;
  GtkCustomFilter      *filter;
  GtkCustomSorter      *sorter;
  char                **search_words;
  char                 *search_text;
  gboolean              keys_changed; /* a tenant's sort key was dropped since the last sort */
  GHashTable           *sort_keys;  /* tenant → SortKey, until the next resort */
  gboolean              sort_by_name;
  GtkSearchBar         *search_bar;
  GtkSearchEntry       *search_entry;
  GtkStack             *sidebar_stack;
  GtkLabel             *updated_label;
  GtkProgressBar       *refresh_progress;
  guint                 progress_hide_id;
  GtkRevealer          *banner_revealer;
  GtkLabel             *banner_label;
  GtkWidget            *banner_show;
  PvTenantInfo         *banner_tenant;  /* the first that could not be asked */
  GtkStack             *stack;
  PvDashboard          *dashboard;
  PvTenantPage         *tenant_page; /* NULL until a tenant is first shown */
  GtkSpinner           *spinner;
  guint                 spinner_id;

  PvTenantList         *tenants;
  PvTenantInfo         *selected;   /* NULL: the overview */
  guint                 update_id;
  guint                 grow_id;    /* the sidebar's rows, a few each frame after opening */
  gboolean              grow_later; /* none yet in the frame that first shows the overview */
  guint                 tick_id;
  GHashTable           *rows;       /* the bound sidebar rows (PvTenantRow) */
};

PvApplication *_pv_window_get_app             (PvWindow       *self);
void           _pv_window_select_tenant       (PvWindow       *self,
                                               PvTenantInfo   *tenant);
void           _pv_window_resort              (PvWindow       *self);
void           _pv_window_show_all_rows       (PvWindow       *self);
void           _pv_window_class_actions_init  (GtkWidgetClass *widget_class);
void           _pv_window_actions_init        (PvWindow       *self);

G_END_DECLS
