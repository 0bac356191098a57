/* fuzz-guide.c: guide files (data/guides) as the core reads them
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a guide file; pv_guide_parse() is what pv_guide_steps()
 * reads the guides of the resources with.
 */

#include "config.h"

#include "fuzz.h"
#include "pv-guide.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GError) error = NULL;

  fuzz_setup ();
  steps = pv_guide_parse ("fuzz", (const char *) data, size, &error);
  g_assert ((steps == NULL) == (error != NULL));
  for (guint i = 0; steps != NULL && i < steps->len; i++)
    {
      PvGuideStep *step = g_ptr_array_index (steps, i);

      g_assert (step->title != NULL && step->detail != NULL && step->fields != NULL);
    }
  return 0;
}
