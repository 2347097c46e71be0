import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { defaultWebDirectory, WebBundle } from './web-bundle';
import { WebPagesController } from './web-pages.controller';
import { WEB_BUNDLE } from './web-pages.tokens';

export interface WebPagesSettings {
  /** Where the built pages are; by default the `dist/web` of the build this gateway runs from. */
  readonly directory?: string;
}

/** Serves the browser pages (`/signin`, `/device`) from the web build. */
@Module({})
export class WebPagesModule {
  static forRoot(settings: WebPagesSettings = {}): DynamicModule {
    return {
      module: WebPagesModule,
      controllers: [WebPagesController],
      providers: [
        {
          provide: WEB_BUNDLE,
          useFactory: (): WebBundle => {
            const bundle = WebBundle.load(settings.directory ?? defaultWebDirectory(__dirname));
            if (!bundle.built) {
              new Logger(WebPagesModule.name).warn(
                `no web build in ${bundle.directory}; /device and /signin answer 404 until it is built (node tools/build.mjs web)`,
              );
            }
            return bundle;
          },
        },
      ],
    };
  }
}
