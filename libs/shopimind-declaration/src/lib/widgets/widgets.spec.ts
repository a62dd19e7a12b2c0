import { WIDGET_TARGETS, widgetTemplates, type WidgetDeclaration } from './widget-declaration';
import {
  INSTALLATION_ID_VARIABLE,
  PRODUCT_IMAGE_ROUTE,
  PRODUCTS_REMOTE_RESOURCE,
  WIDGETS_ROUTE_PREFIX,
} from './widget-routes';
import {
  COUNTDOWN_END_DATE_PATTERN,
  COUNTDOWN_WIDGET,
  PRODUCT_CARD_WIDGET,
  PRODUCT_IMAGE_WIDGET,
  WIDGETS,
} from './widgets';

const byKey = (key: string): WidgetDeclaration => {
  const widget = WIDGETS.find((candidate) => candidate.key === key);
  if (!widget) {
    throw new Error(`no widget ${key}`);
  }
  return widget;
};

/** `{widget.x}` → `x`, for every widget placeholder of a template. */
function widgetFields(template: string): string[] {
  return [...template.matchAll(/\{widget\.([^}]*)\}/g)].map((match) => match[1]);
}

/** Every `{…}` of an HTML or URL template (CSS is left out: its braces are rule blocks). */
function placeholders(template: string): string[] {
  return [...template.matchAll(/\{[^{}]*\}/g)].map((match) => match[0]);
}

const rows = WIDGETS.map((widget) => [widget.key, widget] as const);

describe('WIDGETS', () => {
  it('declares the product image, product card and countdown widgets once each', () => {
    expect(WIDGETS.map((widget) => widget.key)).toEqual(['product_image', 'product_card', 'countdown']);
    expect(byKey('product_image')).toBe(PRODUCT_IMAGE_WIDGET);
  });

  it('is plain JSON, as the declaration ShopiMind registers', () => {
    expect(JSON.parse(JSON.stringify(WIDGETS))).toEqual(WIDGETS);
  });

  describe.each(rows)('%s', (_key, widget) => {
    it('has a snake_case key, a name and description in French and English, and known targets', () => {
      expect(widget.key).toMatch(/^[a-z][a-z0-9_]*$/);
      for (const text of [widget.name, widget.description]) {
        expect(Object.keys(text).sort()).toEqual(['en', 'fr']);
        expect(text.fr.trim()).not.toBe('');
        expect(text.en.trim()).not.toBe('');
      }
      expect(widget.targets.length).toBeGreaterThan(0);
      expect(new Set(widget.targets).size).toBe(widget.targets.length);
      widget.targets.forEach((target) => expect(WIDGET_TARGETS).toContain(target));
    });

    it('has config fields with unique snake_case keys and labels', () => {
      const keys = widget.config_schema.fields.map((field) => field.key);
      expect(keys.length).toBeGreaterThan(0);
      expect(new Set(keys).size).toBe(keys.length);
      for (const field of widget.config_schema.fields) {
        expect(field.key).toMatch(/^[a-z][a-z0-9_]*$/);
        expect(field.label.trim()).not.toBe('');
      }
    });

    it('carries exactly the fields of its render form', () => {
      const form = widget as unknown as Record<string, unknown>;
      const present = [
        'image_url_template',
        'render_mode',
        'html_template',
        'css_template',
        'renderer_key',
      ].filter((name) => form[name] !== undefined);
      if (widget.render_type === 'image') {
        expect(present).toEqual(['image_url_template']);
      } else if (widget.render_mode === 'static') {
        expect(present.filter((name) => name !== 'css_template')).toEqual(['render_mode', 'html_template']);
      } else {
        expect(present).toEqual(['render_mode', 'renderer_key']);
        expect(widget.renderer_key).toMatch(/^[a-z][a-z0-9_]*$/);
      }
    });

    it('has no script, no event handler and no absolute URL in its templates', () => {
      for (const { template } of widgetTemplates(widget)) {
        expect(template).not.toMatch(/<\s*script/i);
        expect(template).not.toMatch(/\son[a-z]+\s*=/i);
        expect(template).not.toMatch(/javascript:/i);
        expect(template).not.toMatch(/[a-z][a-z0-9+.-]*:\/\//i);
        expect(template).not.toMatch(/(^|["'(\s=])\/\//);
      }
    });

    it('only uses {widget.x} placeholders that are fields of its config schema', () => {
      const keys = new Set(widget.config_schema.fields.map((field) => field.key));
      for (const { template } of widgetTemplates(widget)) {
        for (const field of widgetFields(template)) {
          expect(keys).toContain(field);
        }
      }
    });
  });

  describe('product_image', () => {
    it('points at our product image route, relative, with the installation and the picked product', () => {
      expect(PRODUCT_IMAGE_WIDGET.image_url_template).toBe(
        `/widgets/product-image/${INSTALLATION_ID_VARIABLE}/{widget.product_id}`,
      );
      // Filling the template gives a path the gateway's route matches.
      const route = new RegExp(
        `^/${WIDGETS_ROUTE_PREFIX}/${PRODUCT_IMAGE_ROUTE.replace(/:[A-Za-z]+/g, '([^/]+)')}$`,
      );
      const filled = PRODUCT_IMAGE_WIDGET.image_url_template
        .replace(INSTALLATION_ID_VARIABLE, 'inst_1')
        .replace('{widget.product_id}', 'prod_1');
      expect(route.exec(filled)?.slice(1)).toEqual(['inst_1', 'prod_1']);
    });

    it('uses no placeholder besides the installation id and the product field', () => {
      expect(placeholders(PRODUCT_IMAGE_WIDGET.image_url_template)).toEqual([
        INSTALLATION_ID_VARIABLE,
        '{widget.product_id}',
      ]);
    });

    it('lets the merchant pick a required product from the synced catalogue', () => {
      expect(PRODUCT_IMAGE_WIDGET.config_schema.fields).toEqual([
        expect.objectContaining({
          key: 'product_id',
          type: 'select',
          required: true,
          remote: { resource: PRODUCTS_REMOTE_RESOURCE, label_field: 'label', value_field: 'value' },
        }),
      ]);
    });
  });

  describe('product_card', () => {
    it('shows name, price, image and link from its config and greets the recipient by first name', () => {
      const html = PRODUCT_CARD_WIDGET.html_template;
      expect(new Set(widgetFields(html))).toEqual(
        new Set(['greeting', 'name', 'price', 'image_url', 'link', 'cta_label']),
      );
      expect(html).toContain('src="{widget.image_url}"');
      expect(html).toContain('href="{widget.link}"');
      expect(html).toContain('{var=contact.first_name}');
      const unknown = placeholders(html).filter(
        (placeholder) =>
          !/^\{widget\.[a-z_]+\}$/.test(placeholder) && placeholder !== '{var=contact.first_name}',
      );
      expect(unknown).toEqual([]);
    });

    it('comes with its CSS, scoped to its own classes', () => {
      const css = PRODUCT_CARD_WIDGET.css_template ?? '';
      const selectors = [...css.matchAll(/([^{}]+)\{/g)].map((match) => match[1].trim());
      expect(selectors.length).toBeGreaterThan(0);
      selectors.forEach((selector) => expect(selector).toMatch(/^\.sb-card/));
    });
  });

  describe('countdown', () => {
    const pattern = new RegExp(COUNTDOWN_END_DATE_PATTERN);

    it("is drawn by ShopiMind's countdown renderer and requires an end date", () => {
      expect(COUNTDOWN_WIDGET.renderer_key).toBe('spm_countdown');
      expect(COUNTDOWN_WIDGET.config_schema.fields[0]).toMatchObject({
        key: 'end_date',
        type: 'text',
        required: true,
        pattern: COUNTDOWN_END_DATE_PATTERN,
      });
    });

    it.each(['2026-12-24T18:00:00+01:00', '2026-12-24T17:00Z', '2027-01-01T00:00:00-05:30'])(
      'accepts the end date %p',
      (value) => {
        expect(pattern.test(value)).toBe(true);
        expect(Number.isNaN(Date.parse(value))).toBe(false);
      },
    );

    it.each(['2026-12-24', '2026-12-24T18:00:00', '24/12/2026 18:00', 'tomorrow', ''])(
      'refuses the end date %p (no time or no offset is ambiguous)',
      (value) => {
        expect(pattern.test(value)).toBe(false);
      },
    );
  });
});
