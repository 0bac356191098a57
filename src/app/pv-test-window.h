/* pv-test-window.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PV_TYPE_TEST_WINDOW (pv_test_window_get_type ())
G_DECLARE_FINAL_TYPE (PvTestWindow, pv_test_window, PV, TEST_WINDOW, AdwWindow)

GtkWindow *pv_test_window_new (const char *scim_base_url,
                               const char *app_name);

G_END_DECLS
