export interface PushFeatureOptions {
  /** ShopiMind API base without `/v1`. */
  shopimindApiUrl: string;
}

export const PUSH_FEATURE_OPTIONS = Symbol('PUSH_FEATURE_OPTIONS');
