import type { ConfigField } from '../config/config-schema';

/** Spec §7: where a merchant may drop a widget. */
export const WIDGET_TARGETS = ['email_template', 'popup', 'smart_content'] as const;
export type WidgetTarget = (typeof WIDGET_TARGETS)[number];

/** Widget names and descriptions are shown to merchants in their language. */
export interface LocalizedText {
  fr: string;
  en: string;
}

/**
 * A widget's config field: the same field shapes as the integration's config schema (spec §6), plus
 * `supports_variables` for text a merchant may personalise with `{var=…}`.
 */
export type WidgetConfigField = ConfigField & { supports_variables?: boolean };

export interface WidgetConfigSchema {
  fields: readonly WidgetConfigField[];
}

interface WidgetDeclarationBase {
  /** Stable snake_case identity; renaming it orphans the widgets merchants already placed. */
  key: string;
  name: LocalizedText;
  description: LocalizedText;
  targets: readonly WidgetTarget[];
  config_schema: WidgetConfigSchema;
}

/** ShopiMind builds the `<img>` itself from the URL; ours is relative, the base URL is added at registration. */
export interface ImageWidgetDeclaration extends WidgetDeclarationBase {
  render_type: 'image';
  image_url_template: string;
}

/** HTML and CSS ShopiMind sanitizes and resolves per recipient: email-safe, no script. */
export interface StaticHtmlWidgetDeclaration extends WidgetDeclarationBase {
  render_type: 'html';
  render_mode: 'static';
  html_template: string;
  css_template?: string;
}

/** Reuses one of ShopiMind's own renderers (a GIF in emails, live script on the web). */
export interface DynamicHtmlWidgetDeclaration extends WidgetDeclarationBase {
  render_type: 'html';
  render_mode: 'dynamic';
  renderer_key: string;
}

/** Spec §7: the three forms of widget ShopiMind renders. */
export type WidgetDeclaration =
  ImageWidgetDeclaration | StaticHtmlWidgetDeclaration | DynamicHtmlWidgetDeclaration;

/** The templates of a widget that ShopiMind resolves, with what each is named in the declaration. */
export function widgetTemplates(widget: WidgetDeclaration): Array<{ name: string; template: string }> {
  if (widget.render_type === 'image') {
    return [{ name: 'image_url_template', template: widget.image_url_template }];
  }
  switch (widget.render_mode) {
    case 'static':
      return [
        { name: 'html_template', template: widget.html_template },
        ...(widget.css_template === undefined
          ? []
          : [{ name: 'css_template', template: widget.css_template }]),
      ];
    case 'dynamic':
      return [];
  }
}
