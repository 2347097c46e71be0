import { Controller, Get, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { WEB_BUNDLE } from './web-pages.tokens';
import type { WebBundle, WebPageName } from './web-bundle';
import { ASSET_HEADERS, PAGE_HEADERS } from './web-pages.headers';

/** `/device`, `/signin` and their hashed assets, from the bundle held in memory. */
@Controller()
export class WebPagesController {
  constructor(@Inject(WEB_BUNDLE) private readonly bundle: WebBundle) {}

  @Get('device')
  device(@Res() reply: FastifyReply): void {
    this.sendPage('device', reply);
  }

  @Get('signin')
  signin(@Res() reply: FastifyReply): void {
    this.sendPage('signin', reply);
  }

  @Get('assets/:file')
  asset(@Param('file') file: string, @Res() reply: FastifyReply): void {
    const asset = this.bundle.asset(file);
    if (!asset) throw new NotFoundException('No such asset');
    void reply
      .headers({ ...ASSET_HEADERS, 'content-type': asset.contentType })
      .status(200)
      .send(asset.body);
  }

  private sendPage(name: WebPageName, reply: FastifyReply): void {
    const page = this.bundle.page(name);
    // The start-up log names the missing build; the page itself just does not exist here.
    if (!page) throw new NotFoundException('The web pages are not built on this server');
    void reply.headers(PAGE_HEADERS).status(200).send(page);
  }
}
