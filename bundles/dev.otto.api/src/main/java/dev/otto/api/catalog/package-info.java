/**
 * The model catalog: which providers and models OpenCode offers, what they cost, and how fresh
 * that knowledge is. A {@link dev.otto.api.catalog.CatalogSnapshot} is immutable; the
 * {@link dev.otto.api.catalog.ModelCatalog} service swaps in a new one on each successful refresh
 * and keeps the last good one when a refresh fails.
 */
@Export
@Version("1.0.0")
package dev.otto.api.catalog;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
