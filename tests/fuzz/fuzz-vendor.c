/* fuzz-vendor.c: vendor files (data/vendors) as the core reads them
 *
 * Copyright 2026 The Provisio authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is a vendor file; pv_vendor_parse() is what pv_vendor_lookup()
 * reads the catalog of the resources with.
 */

#include "config.h"

#include "fuzz.h"
#include "pv-guide.h"
#include "pv-vendor.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(PvVendor) vendor = NULL;
  g_autoptr(GError) error = NULL;

  fuzz_setup ();
  vendor = pv_vendor_parse ("fuzz", (const char *) data, size, &error);
  g_assert ((vendor == NULL) == (error != NULL));
  if (vendor == NULL)
    return 0;
  /* What the rest of Provisio relies on, whatever the file said */
  g_assert (vendor->id != NULL && vendor->name != NULL && vendor->token_format != NULL);
  g_assert (vendor->connections != NULL && vendor->connections[0] != NULL);
  g_assert (vendor->identity_providers != NULL && vendor->identity_providers[0] != NULL);
  g_assert (vendor->steps->len > 0);
  g_assert (!vendor->has_reminders || vendor->reminders.n_thresholds > 0);
  for (guint i = 0; i < vendor->steps->len; i++)
    {
      PvGuideStep *step = g_ptr_array_index (vendor->steps, i);

      g_assert (step->title != NULL && step->detail != NULL && step->fields != NULL);
    }
  return 0;
}
