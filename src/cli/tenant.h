/* tenant.h: provisioctl tenant … (tenant.c)
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

extern const GOptionEntry tenant_add_entries[];
int run_tenant_add        (GFile *file, char **args);
int run_tenant_list       (GFile *file, char **args);
int run_tenant_remove     (GFile *file, char **args);
int run_tenant_rotate_key (GFile *file, char **args);

G_END_DECLS
