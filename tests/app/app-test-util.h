/* app-test-util.h: driving the app's widgets as a person would, for the
 * tests under Xvfb (test-app, test-app-windows)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "pv-tenant-list.h"

G_BEGIN_DECLS

typedef gboolean (*Condition) (gpointer data);

gboolean spin_until (Condition condition, gpointer data, guint seconds);
void spin_for (guint ms);
char *without_mnemonic (const char *text);
const char *visible_text (GtkWidget *widget);
gboolean is_shown (GtkWidget *widget);
GtkWidget *find (GtkWidget *root, GType type, const char *text);
void count_text (GtkWidget *root, const char *text, guint *n);
gboolean shows_text (GtkWidget *root, const char *text);
void wait_for_text (GtkWidget *root, const char *text);
void wait_for_button (GtkWidget *root, const char *label);
void click (GtkWidget *root, const char *label);
GtkWindow *find_window (GType type);
gboolean window_shown_cb (gpointer data);
gboolean window_gone_cb (gpointer data);
GtkWindow *wait_for_window (GType type);
void set_row_text (GtkWidget *root, const char *title, const char *text);
char *app_test_init (int *argc, char ***argv, const char *prefix);
void die_with_parent (gpointer user_data);
char *read_clipboard (GtkWidget *widget);
gboolean step_is_cb (gpointer data);
GtkWindow *find_window_titled (const char *title);
gboolean titled_shown_cb (gpointer data);
gboolean titled_gone_cb (gpointer data);
gboolean app_window_mapped_cb (gpointer data);
void close_windows_but (GtkWindow *keep);
void add_tenant (PvTenantList *tenants, const char *id, const char *url, const char *key);
GSubprocess *provisiod_start (const char *db, char **url, char **key);
GSubprocess *fake_entra_start (const char *tls_cert, const char *tls_key, char **url);
JsonObject *fake_entra_control (const char *url, const char *what, const char *body);

G_END_DECLS
