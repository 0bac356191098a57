/* pv-json.h
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PV_JSON_MAX_DEPTH 64

gboolean  pv_json_precheck (const char  *data,
                            gsize        length);
JsonNode *pv_json_parse    (const char  *data,
                            gsize        length,
                            GError     **error);
void      pv_json_builder_add_time   (JsonBuilder *builder,
                                      const char  *member,
                                      gint64       when);
void      pv_json_builder_add_string (JsonBuilder *builder,
                                      const char  *member,
                                      const char  *value);

G_END_DECLS
