/* pv-list.h: bringing a model's list up to date without disturbing its views
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

void pv_list_store_update (GListStore *store,
                           GPtrArray  *items);

G_END_DECLS
