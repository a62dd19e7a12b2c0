import type {
  DynamicHtmlWidgetDeclaration,
  ImageWidgetDeclaration,
  StaticHtmlWidgetDeclaration,
  WidgetDeclaration,
} from './widget-declaration';
import { PRODUCTS_REMOTE_RESOURCE, productImageUrlTemplate } from './widget-routes';

/** ISO 8601 date and time with an explicit offset, so the end of a countdown means the same in every time zone. */
export const COUNTDOWN_END_DATE_PATTERN =
  '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2})?(Z|[+-]\\d{2}:\\d{2})$';

/** ShopiMind's own countdown renderer, named in its widget guide. */
export const COUNTDOWN_RENDERER_KEY = 'spm_countdown';

/** The product's current main image, from the synced catalogue: it follows the store when the photo changes. */
export const PRODUCT_IMAGE_WIDGET: ImageWidgetDeclaration = {
  key: 'product_image',
  name: { fr: 'Image produit', en: 'Product image' },
  description: {
    fr: "L'image principale actuelle d'un produit de votre boutique.",
    en: "The current main image of one of your store's products.",
  },
  targets: ['email_template', 'popup', 'smart_content'],
  render_type: 'image',
  image_url_template: productImageUrlTemplate('product_id'),
  config_schema: {
    fields: [
      {
        key: 'product_id',
        type: 'select',
        required: true,
        label: 'Product',
        help: 'Products synchronised from your store.',
        remote: { resource: PRODUCTS_REMOTE_RESOURCE, label_field: 'label', value_field: 'value' },
      },
    ],
  },
};

// Tables and classes only: email clients ignore most layout CSS, and ShopiMind strips anything scripted.
const PRODUCT_CARD_HTML = [
  '<table role="presentation" class="sb-card" width="100%" cellpadding="0" cellspacing="0" border="0">',
  '<tr><td class="sb-card__greeting">{widget.greeting} {var=contact.first_name},</td></tr>',
  '<tr><td class="sb-card__image"><a href="{widget.link}">',
  '<img src="{widget.image_url}" alt="{widget.name}" width="280" class="sb-card__img"></a></td></tr>',
  '<tr><td class="sb-card__name">{widget.name}</td></tr>',
  '<tr><td class="sb-card__price">{widget.price}</td></tr>',
  '<tr><td class="sb-card__cta"><a href="{widget.link}" class="sb-card__button">{widget.cta_label}</a></td></tr>',
  '</table>',
].join('');

const PRODUCT_CARD_CSS = [
  '.sb-card{max-width:320px;margin:0 auto;font-family:Arial,Helvetica,sans-serif;color:#222222;text-align:center}',
  '.sb-card__greeting{padding:8px 0;font-size:16px}',
  '.sb-card__img{display:block;max-width:100%;height:auto;border:0;margin:0 auto}',
  '.sb-card__name{padding:12px 0 4px;font-size:18px;font-weight:bold}',
  '.sb-card__price{padding:0 0 12px;font-size:16px}',
  '.sb-card__button{display:inline-block;padding:10px 20px;background:#222222;color:#ffffff;text-decoration:none;border-radius:4px}',
].join('');

/** A product card the merchant fills in, greeting each recipient by first name. */
export const PRODUCT_CARD_WIDGET: StaticHtmlWidgetDeclaration = {
  key: 'product_card',
  name: { fr: 'Carte produit', en: 'Product card' },
  description: {
    fr: 'Une carte avec image, nom, prix et lien vers le produit, qui salue le destinataire par son prénom.',
    en: 'A card with image, name, price and product link that greets the recipient by first name.',
  },
  targets: ['email_template', 'popup', 'smart_content'],
  render_type: 'html',
  render_mode: 'static',
  html_template: PRODUCT_CARD_HTML,
  css_template: PRODUCT_CARD_CSS,
  config_schema: {
    fields: [
      {
        key: 'greeting',
        type: 'text',
        required: false,
        label: 'Greeting',
        help: "Shown before the recipient's first name.",
        default: 'Hello',
        maxLength: 60,
      },
      { key: 'name', type: 'text', required: true, label: 'Product name', maxLength: 120 },
      {
        key: 'price',
        type: 'text',
        required: false,
        label: 'Price',
        help: 'As displayed, like 29.90 €.',
        maxLength: 30,
      },
      { key: 'image_url', type: 'url', required: true, label: 'Image URL' },
      { key: 'link', type: 'url', required: true, label: 'Product page URL' },
      {
        key: 'cta_label',
        type: 'text',
        required: false,
        label: 'Button text',
        default: 'View product',
        maxLength: 40,
      },
    ],
  },
};

/** A countdown to the end of an offer, drawn by ShopiMind's own renderer. */
export const COUNTDOWN_WIDGET: DynamicHtmlWidgetDeclaration = {
  key: 'countdown',
  name: { fr: 'Compte à rebours', en: 'Countdown' },
  description: {
    fr: "Le temps restant jusqu'à la fin d'une offre (image animée dans les e-mails).",
    en: 'The time left until an offer ends (an animated image in emails).',
  },
  targets: ['email_template', 'popup', 'smart_content'],
  render_type: 'html',
  render_mode: 'dynamic',
  renderer_key: COUNTDOWN_RENDERER_KEY,
  config_schema: {
    fields: [
      {
        key: 'end_date',
        type: 'text',
        required: true,
        label: 'Ends at',
        help: 'Date and time with its offset, like 2026-12-24T18:00:00+01:00.',
        pattern: COUNTDOWN_END_DATE_PATTERN,
      },
      {
        key: 'expired_text',
        type: 'text',
        required: false,
        label: 'Text once ended',
        default: 'This offer has ended',
        maxLength: 80,
        supports_variables: true,
      },
    ],
  },
};

/** Every widget the integration declares (spec §7), in the order merchants see them. */
export const WIDGETS: readonly WidgetDeclaration[] = [
  PRODUCT_IMAGE_WIDGET,
  PRODUCT_CARD_WIDGET,
  COUNTDOWN_WIDGET,
];
