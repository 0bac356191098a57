/* pv-list.c: bringing a model's list up to date without disturbing its views
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "pv-list"

#include "config.h"

#include "pv-list.h"

/**
 * pv_list_store_update:
 * @store: a list of objects
 * @items: (element-type GObject): what @store is to hold, in order
 *
 * Makes @store hold @items, splicing only the run that differs: a refresh
 * that finds the same objects (the models keep an object per token and per
 * connection) emits no #GListModel::items-changed at all, and one new token
 * is one item added, so that the views bound to the list keep their rows.
 */
void
pv_list_store_update (GListStore *store,
                      GPtrArray  *items)
{
  GListModel *model = G_LIST_MODEL (store);
  guint n_old = g_list_model_get_n_items (model);
  guint start = 0;
  guint end = 0;

  g_return_if_fail (G_IS_LIST_STORE (store));

  while (start < n_old && start < items->len)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, start);

      if (item != g_ptr_array_index (items, start))
        break;
      start++;
    }
  while (end < n_old - start && end < items->len - start)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, n_old - 1 - end);

      if (item != g_ptr_array_index (items, items->len - 1 - end))
        break;
      end++;
    }
  if (start + end == n_old && start + end == items->len)
    return;
  g_list_store_splice (store, start, n_old - start - end, items->pdata + start, items->len - start - end);
}
