/* tokens.h: provisioctl renew, setup, revoke and events (tokens.c)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

extern const GOptionEntry setup_entries[];
extern const GOptionEntry renew_entries[];
extern const GOptionEntry revoke_entries[];
int run_setup  (GFile *file, char **args);
int run_renew  (GFile *file, char **args);
int run_revoke (GFile *file, char **args);
int run_events (GFile *file, char **args);

G_END_DECLS
