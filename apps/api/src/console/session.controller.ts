import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ConsoleCookies,
  ConsoleSessionService,
  CsrfGuard,
  IDENTITY_ERROR_CODES,
  IdentityError,
} from '@dify/identity';
import { ReqContext } from '@dify/http-edge';
import type { RequestContext } from '@dify/platform';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { LoginRequest } from './login.request';

/** Console sign-in, refresh and sign-out; the session lives in cookies. */
@Controller('console/api')
export class SessionController {
  constructor(
    private readonly sessions: ConsoleSessionService,
    private readonly cookies: ConsoleCookies,
  ) {}

  @Post('login')
  @HttpCode(200)
  async login(
    @Body() body: LoginRequest,
    @ReqContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ result: 'success' }> {
    const session = await this.sessions.login(body.email, body.password, context);
    this.cookies.write(reply, session);
    return { result: 'success' };
  }

  @Post('refresh-token')
  @HttpCode(200)
  @UseGuards(CsrfGuard)
  async refresh(
    @Req() request: FastifyRequest,
    @ReqContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ result: 'success' }> {
    const refreshToken = this.cookies.read(request, 'refresh');
    if (!refreshToken) {
      throw new IdentityError(
        IDENTITY_ERROR_CODES.invalidRefreshToken,
        'No refresh token; sign in again',
      );
    }
    const session = await this.sessions.refresh(refreshToken, context);
    this.cookies.write(reply, session);
    return { result: 'success' };
  }

  @Post('logout')
  @HttpCode(200)
  @UseGuards(CsrfGuard)
  async logout(
    @Req() request: FastifyRequest,
    @ReqContext() context: RequestContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ result: 'success' }> {
    await this.sessions.logout(
      {
        refreshToken: this.cookies.read(request, 'refresh'),
        accessToken: this.cookies.read(request, 'access'),
      },
      context,
    );
    this.cookies.clear(reply);
    return { result: 'success' };
  }
}
