/* Accessibility repairs of CKAN's JavaScript widgets, on every page (templates/base.html).
 *
 * 1. Select2 (CKAN's "autocomplete" module: keywords, organization, licence, format) hides the
 *    real input and shows its own widget, whose combobox and inline search field are not tied
 *    to the field's <label>: screen readers announce "Search" (in English) or nothing. Each
 *    widget is named after the label and carries the input's help and error descriptions.
 * 2. The "Edit" button of the URL (slug) preview hides itself when pressed, which drops
 *    keyboard focus to the top of the page: focus moves to the URL input it reveals.
 * 3. A form re-rendered with errors takes focus on its error summary, so screen readers read
 *    the errors first and keyboard users reach the summary's links to the fields.
 */
(function () {
  'use strict';

  function labelOf(input) {
    if (!input.id) { return null; }
    var label = document.querySelector('label[for="' + CSS.escape(input.id) + '"]');
    if (label && !label.id) { label.id = input.id + '-label'; }
    return label;
  }

  function join() {
    return Array.prototype.filter.call(arguments, Boolean).join(' ');
  }

  function nameSelect2(container) {
    var input = container.previousElementSibling;
    if (!input || !input.classList.contains('select2-hidden-accessible')) { return; }
    var label = labelOf(input);
    if (!label) { return; }
    var described = input.getAttribute('aria-describedby');
    var selection = container.querySelector('.select2-selection');
    var rendered = container.querySelector('.select2-selection__rendered');
    var search = container.querySelector('.select2-search__field');
    if (selection && selection.classList.contains('select2-selection--single')) {
      // Name: the label, then the chosen value select2 already points at.
      selection.setAttribute('aria-labelledby', join(label.id, rendered && rendered.id));
      if (described) { selection.setAttribute('aria-describedby', described); }
    } else if (selection) {
      selection.setAttribute('aria-labelledby', label.id);
    }
    if (search) {
      search.removeAttribute('aria-label');
      search.setAttribute('aria-labelledby', label.id);
      // The chosen values (select2's own description), then the field's help and errors.
      search.setAttribute('aria-describedby', join(rendered && rendered.id, described));
    }
  }

  function scan(root) {
    if (root.nodeType !== 1) { return; }
    if (root.classList.contains('select2-container')) { nameSelect2(root); }
    root.querySelectorAll('.select2-container').forEach(nameSelect2);
  }

  new MutationObserver(function (mutations) {
    mutations.forEach(function (mutation) { mutation.addedNodes.forEach(scan); });
  }).observe(document.documentElement, {childList: true, subtree: true});

  document.addEventListener('click', function (event) {
    var button = event.target.closest && event.target.closest('.slug-preview button');
    var form = button && button.closest('form');
    var slug = form && form.querySelector('[data-module~="slug-preview-slug"]');
    if (slug) { window.setTimeout(function () { slug.focus(); }, 0); }
  });

  document.addEventListener('DOMContentLoaded', function () {
    scan(document.body);
    var summary = document.querySelector('form .error-explanation');
    if (summary && !document.querySelector('[autofocus]')) {
      summary.setAttribute('tabindex', '-1');
      summary.focus();
    }
  });
}());
