/* pv-preferences-window.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "pv-entra-session.h"

G_BEGIN_DECLS

GtkWindow *pv_preferences_window_new (GSettings      *settings,
                                      PvEntraSession *entra);

G_END_DECLS
